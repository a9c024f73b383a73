package fabrics

import "errors"

// CheckSecret reports whether v is a DH-HMAC-CHAP secret the kernel
// decodes ("DHHC-1:<hh>:<base64 of key and CRC-32>:"). The error never
// quotes v.
func CheckSecret(v string) error {
	if r, _ := dhchapRule(v); r != "" {
		return errors.New(r)
	}
	return nil
}
