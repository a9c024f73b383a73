// Package optstring decides whether a value can travel inside the kernel's
// NVMe over Fabrics option string ("name=value,name=value,…") unchanged.
//
// The kernel splits that string on ',' and '\n' and each token on '=', so a
// value holding either could end one option and start another. gonvme also
// refuses white space, control characters (NUL included) and invalid UTF-8,
// so no value can hide or imitate another option or garble a log line. This
// is the one such rule in gonvme: NQNs, addresses, configuration files and
// discovery log entries are all checked with it.
package optstring
