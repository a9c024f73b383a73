// Package nvmf carries out the host-side NVMe over Fabrics operations that
// span several controllers: discovery through a temporary or persistent
// discovery controller, connect-all over discovery logs and referrals,
// concurrent disconnects, and the namespace inventory behind `list`.
//
// It composes the fabrics, discovery, ioctl and sysfs packages and reaches
// the kernel only through an Edge, so every operation runs in tests against
// a fixture root and a fake kernel. It never prints: results and errors are
// values for the CLI layer to render.
package nvmf
