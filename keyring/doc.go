// Package keyring finds keys in the Linux kernel key retention service:
// a keyring by type and description in /proc/keys (the way keyutils'
// find_key_by_type_and_desc falls back to it), and a key inside a keyring
// with KEYCTL_SEARCH. gonvme uses it to turn a TLS PSK identity into the
// key serial the kernel's tls_key= option takes.
package keyring
