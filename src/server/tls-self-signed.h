// A self-signed server certificate for `server.tls.self_signed`, made with
// the OpenSSL 3 API: an EC P-256 key and a certificate valid ~10 years whose
// SubjectAltName lists every name a client on this machine or the LAN may
// use (so a phone can connect once it trusts the certificate).
#pragma once

#include <string>
#include <vector>

namespace mv {

struct SelfSignedOptions {
  std::string common_name = "mirrorvox";
  std::vector<std::string> dns_names;     // DNS SubjectAltNames
  std::vector<std::string> ip_addresses;  // IP SubjectAltNames (v4 or v6 text)
  int valid_days = 3650;
};

// localhost, 127.0.0.1, ::1, the host name (and HOST.local for mDNS), and
// every non-loopback IPv4 and global/unique-local IPv6 address of this machine.
SelfSignedOptions LocalSubjectNames();

struct PemPair {
  std::string cert_pem;
  std::string key_pem;  // PKCS#8, unencrypted
};

// A fresh key and certificate. Throws mv::Error kInternal "tls_generate_failed".
PemPair MakeSelfSigned(const SelfSignedOptions& options);

// Writes `pair` to the two paths (parent directories are created, 0700 when
// new): each file appears whole or not at all, the key with mode 0600 from
// the start. Existing files are never replaced (kInvalidInput "exists").
void WriteSelfSignedFiles(const PemPair& pair, const std::string& cert_path,
                          const std::string& key_path);

}  // namespace mv
