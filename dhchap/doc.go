// Package dhchap handles NVMe DH-HMAC-CHAP secrets in their textual
// representation, "DHHC-1:<hh>:<base64 of the key and its CRC-32>:", the
// form the kernel takes in dhchap_secret and dhchap_ctrl_secret and
// nvme-cli's gen-dhchap-key prints.
//
// Parse checks a secret the way the kernel decodes it and says what is
// wrong without repeating the secret; Generate and Transform make new
// ones, Transform binding a key to a host NQN with HMAC as the NVMe
// specification describes. Key's String method is redacted, so a Key
// that reaches a log or an error message does not leak; Encode gives the
// secret itself. Redact hides every secret inside a longer text, such as
// a kernel log line.
package dhchap
