// Package config reads the two files that name fabrics targets without a
// command line: /etc/nvme/discovery.conf (one discovery controller a line,
// written as discover arguments) and libnvme's /etc/nvme/config.json (hosts,
// their subsystems and ports), and applies config.json's port settings to
// the connects they describe, as libnvme does (Configure).
//
// Both parsers refuse what would be unsafe to pass on to the kernel — control
// characters anywhere, and ',', '=' or white space inside a JSON value — and
// every error names the file and line (and, for JSON, the path of the value)
// so it can be fixed.
package config
