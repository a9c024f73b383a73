package fabrics

import "github.com/gonvme/gonvme/dhchap"

// CheckSecret reports whether v is a DH-HMAC-CHAP secret the kernel
// decodes ("DHHC-1:<hh>:<base64 of key and CRC-32>:"); see dhchap.Parse.
// The error never quotes v.
func CheckSecret(v string) error {
	_, err := dhchap.Parse(v)
	return err
}
