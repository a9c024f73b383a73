// Package kcrypto asks the running kernel about its crypto algorithms: what
// /proc/crypto lists, and whether the kernel can allocate an algorithm
// when asked (AF_ALG), as kernel TLS does for the AEAD that seals its
// records. The connect preflight uses it to refuse a --tls connect that the
// kernel could not carry out after the handshake.
package kcrypto
