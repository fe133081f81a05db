#include "tls-tunnel.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

namespace mvtest {
namespace {

void Check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("TlsTunnel: ") + what);
}

void AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  Check(ext != nullptr, "extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

int Listen(int* port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  Check(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0, "bind");
  Check(listen(fd, 16) == 0, "listen");
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *port = ntohs(addr.sin_port);
  return fd;
}

int ConnectLocal(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

TlsTunnel::TlsTunnel(int backend_port) : backend_port_(backend_port) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  Check(key != nullptr, "key");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 2);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  AddExtension(cert, NID_basic_constraints, "critical,CA:TRUE");
  AddExtension(cert, NID_subject_alt_name, "DNS:localhost");
  Check(X509_sign(cert, key, EVP_sha256()) > 0, "sign");

  char path[] = "/tmp/mv-tls-tunnel-XXXXXX";
  int fd = mkstemp(path);
  Check(fd >= 0, "temp file");
  FILE* f = fdopen(fd, "w");
  PEM_write_X509(f, cert);
  fclose(f);
  cert_file_ = path;

  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  Check(SSL_CTX_use_certificate(ctx, cert) == 1, "use cert");
  Check(SSL_CTX_use_PrivateKey(ctx, key) == 1, "use key");
  ctx_ = ctx;
  X509_free(cert);
  EVP_PKEY_free(key);
  listen_fd_ = Listen(&port_);
  acceptor_ = std::thread([this] { Accept(); });
}

TlsTunnel::~TlsTunnel() {
  stop_ = true;
  acceptor_.join();
  {
    std::lock_guard lock(mutex_);
    for (auto& t : pipes_) t.join();
  }
  close(listen_fd_);
  SSL_CTX_free(static_cast<SSL_CTX*>(ctx_));
  unlink(cert_file_.c_str());
}

void TlsTunnel::Accept() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 20) <= 0) continue;
    int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    std::lock_guard lock(mutex_);
    pipes_.emplace_back([this, fd] { Pipe(fd); });
  }
}

void TlsTunnel::Pipe(int client_fd) {
  SSL* ssl = SSL_new(static_cast<SSL_CTX*>(ctx_));
  SSL_set_fd(ssl, client_fd);
  int backend = -1;
  if (SSL_accept(ssl) == 1) backend = ConnectLocal(backend_port_);
  char buf[16384];
  while (backend >= 0 && !stop_) {
    // Bytes OpenSSL already decrypted are not visible to poll().
    if (SSL_pending(ssl) == 0) {
      pollfd p[2] = {{client_fd, POLLIN, 0}, {backend, POLLIN, 0}};
      if (poll(p, 2, 20) <= 0) continue;
      if (p[1].revents) {
        ssize_t n = read(backend, buf, sizeof buf);
        if (n <= 0 || SSL_write(ssl, buf, static_cast<int>(n)) <= 0) break;
      }
      if (!p[0].revents) continue;
    }
    int n = SSL_read(ssl, buf, sizeof buf);
    if (n <= 0) {
      if (SSL_get_error(ssl, n) == SSL_ERROR_WANT_READ) continue;
      break;
    }
    if (write(backend, buf, static_cast<std::size_t>(n)) != n) break;
  }
  if (backend >= 0) close(backend);
  SSL_shutdown(ssl);
  ERR_clear_error();
  SSL_free(ssl);
  close(client_fd);
}

}  // namespace mvtest
