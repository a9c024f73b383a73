// Package keyring finds and changes keys in the Linux kernel key
// retention service: a keyring by type and description in /proc/keys (the
// way keyutils' find_key_by_type_and_desc falls back to it), a key inside
// a keyring with KEYCTL_SEARCH, and adding, listing, reading and revoking
// keys through the key system calls. gonvme uses it for the TLS PSKs of
// the kernel's .nvme keyring and the key serials its tls_key= option takes.
package keyring
