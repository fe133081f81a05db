#include "server/tls-self-signed.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>

#include "common/atomic-file.h"
#include "common/error.h"
#include "server/openssl-ptr.h"

namespace mv {
namespace {

using namespace openssl;

[[noreturn]] void Fail(const std::string& what) {
  unsigned long e = ERR_get_error();
  std::string detail;
  if (e != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    detail = std::string(": ") + buf;
  }
  ERR_clear_error();
  throw Error(ErrorKind::kInternal, "tls_generate_failed",
              "generating the self-signed certificate: " + what + detail);
}

void AddUnique(std::vector<std::string>& list, std::string value) {
  if (!value.empty() && std::find(list.begin(), list.end(), value) == list.end())
    list.push_back(std::move(value));
}

bool IsDnsName(const std::string& name) {
  if (name.empty() || name.size() > 253 || name.front() == '.' || name.front() == '-') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  });
}

std::string Pem(const std::function<int(BIO*)>& write) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get()) != 1) Fail("PEM encoding");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

void AddExtension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  ExtPtr ext(X509V3_EXT_nconf_nid(nullptr, ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) Fail(std::string("extension ") + value);
}

GENERAL_NAMES* SubjectAltNames(const SelfSignedOptions& options) {
  NamesPtr names(sk_GENERAL_NAME_new_null());
  if (!names) Fail("SubjectAltName");
  for (const auto& dns : options.dns_names) {
    ASN1_IA5STRING* text = ASN1_IA5STRING_new();
    if (!text || ASN1_STRING_set(text, dns.data(), static_cast<int>(dns.size())) != 1) {
      ASN1_IA5STRING_free(text);
      Fail("SubjectAltName DNS:" + dns);
    }
    GENERAL_NAME* name = GENERAL_NAME_new();
    if (!name) Fail("SubjectAltName");
    GENERAL_NAME_set0_value(name, GEN_DNS, text);
    sk_GENERAL_NAME_push(names.get(), name);
  }
  for (const auto& ip : options.ip_addresses) {
    ASN1_OCTET_STRING* octets = a2i_IPADDRESS(ip.c_str());
    if (!octets) Fail("SubjectAltName IP:" + ip + " is not an IP address");
    GENERAL_NAME* name = GENERAL_NAME_new();
    if (!name) Fail("SubjectAltName");
    GENERAL_NAME_set0_value(name, GEN_IPADD, octets);
    sk_GENERAL_NAME_push(names.get(), name);
  }
  return names.release();
}

std::string Parent(const std::string& path) {
  std::string parent = std::filesystem::path(path).parent_path().string();
  return parent.empty() ? "." : parent;
}

// A private directory next to `path` where a file is written before it is
// renamed into place; removed (with anything left in it) on destruction.
class StagingDir {
 public:
  explicit StagingDir(const std::string& target) {
    std::string parent = Parent(target);
    std::error_code ec;
    if (!std::filesystem::exists(parent, ec)) {
      std::filesystem::create_directories(parent, ec);
      if (ec)
        throw Error(ErrorKind::kInternal, "storage_failed",
                    "creating directory '" + parent + "' failed: " + ec.message());
      ::chmod(parent.c_str(), 0700);  // holds a private key
    }
    std::string tmpl = parent + "/.mirrorvox-tls-XXXXXX";
    if (!::mkdtemp(tmpl.data()))  // mode 0700
      throw Error(ErrorKind::kInternal, "storage_failed",
                  "creating a directory in '" + parent + "' failed: " + std::strerror(errno));
    path_ = tmpl;
  }
  ~StagingDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  StagingDir(const StagingDir&) = delete;
  StagingDir& operator=(const StagingDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void Install(const std::string& data, const std::string& target, mode_t mode) {
  StagingDir staging(target);
  std::string temp = staging.path() + "/file.pem";
  WriteNewFileSynced(temp, data);
  if (::chmod(temp.c_str(), mode) != 0)
    throw Error(ErrorKind::kInternal, "storage_failed",
                "chmod '" + temp + "' failed: " + std::strerror(errno));
  RenameNoReplace(temp, target);
  SyncDirectory(Parent(target));
}

}  // namespace

SelfSignedOptions LocalSubjectNames() {
  SelfSignedOptions o;
  o.dns_names = {"localhost"};
  o.ip_addresses = {"127.0.0.1", "::1"};
  char host[256] = {};
  if (::gethostname(host, sizeof(host) - 1) == 0) {
    std::string name(host);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (IsDnsName(name) && name != "localhost") {
      AddUnique(o.dns_names, name);
      // Phones on the LAN often reach a machine by its mDNS name.
      if (name.find('.') == std::string::npos) AddUnique(o.dns_names, name + ".local");
    }
  }
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) == 0) {
    for (ifaddrs* a = list; a; a = a->ifa_next) {
      if (!a->ifa_addr) continue;
      char text[INET6_ADDRSTRLEN] = {};
      if (a->ifa_addr->sa_family == AF_INET) {
        auto* in = reinterpret_cast<sockaddr_in*>(a->ifa_addr);
        if ((ntohl(in->sin_addr.s_addr) >> 24) == 127) continue;
        if (::inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text)))
          AddUnique(o.ip_addresses, text);
      } else if (a->ifa_addr->sa_family == AF_INET6) {
        auto* in6 = reinterpret_cast<sockaddr_in6*>(a->ifa_addr);
        // Link-local addresses need a zone id that no URL in a certificate can carry.
        if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) || IN6_IS_ADDR_LINKLOCAL(&in6->sin6_addr))
          continue;
        if (::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text)))
          AddUnique(o.ip_addresses, text);
      }
    }
    ::freeifaddrs(list);
  }
  return o;
}

PemPair MakeSelfSigned(const SelfSignedOptions& options) {
  KeyPtr key(EVP_EC_gen("P-256"));
  if (!key) Fail("EC P-256 key");
  CertPtr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) Fail("certificate");

  BnPtr serial(BN_new());  // random, positive, so regenerated certificates never collide
  if (!serial || BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())))
    Fail("serial number");
  // An hour back, for clients whose clock runs a little behind.
  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) ||
      !X509_time_adj_ex(X509_getm_notAfter(cert.get()), options.valid_days, 0, nullptr))
    Fail("validity");
  if (X509_set_pubkey(cert.get(), key.get()) != 1) Fail("public key");

  X509_NAME* name = X509_get_subject_name(cert.get());
  const auto* cn = reinterpret_cast<const unsigned char*>(options.common_name.c_str());
  if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>("mirrorvox"), -1, -1,
                                 0) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, cn, -1, -1, 0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1)
    Fail("subject name");

  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  // An end-entity certificate (Firefox refuses a CA one as a server's), which
  // clients may still trust directly as its own anchor. No keyUsage: OpenSSL
  // then treats it as self-issued when it is the trust anchor.
  AddExtension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE");
  AddExtension(cert.get(), &ctx, NID_ext_key_usage, "serverAuth");
  AddExtension(cert.get(), &ctx, NID_subject_key_identifier, "hash");
  AddExtension(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always");
  if (!options.dns_names.empty() || !options.ip_addresses.empty()) {
    NamesPtr names(SubjectAltNames(options));
    if (X509_add1_ext_i2d(cert.get(), NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) !=
        1)
      Fail("SubjectAltName");
  }

  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) Fail("signing");
  PemPair pair;
  pair.cert_pem = Pem([&](BIO* b) { return PEM_write_bio_X509(b, cert.get()); });
  pair.key_pem = Pem([&](BIO* b) {
    return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  return pair;
}

void WriteSelfSignedFiles(const PemPair& pair, const std::string& cert_path,
                          const std::string& key_path) {
  // The key first: a certificate on disk always has its key beside it.
  Install(pair.key_pem, key_path, 0600);
  Install(pair.cert_pem, cert_path, 0644);
}

}  // namespace mv
