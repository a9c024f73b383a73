// Package registry keeps the ownership registry of NVMe over Fabrics
// controllers that nvme-cli 3.0 and libnvme keep: one JSON object per live
// controller in /run/nvme/registry/<name>.json, whose "owner" names the
// orchestrator that connected it. Entries are written through a temporary
// file and a rename; an entry whose controller is gone is stale and
// ignored. The registry is cooperative: it stops accidental teardowns, it
// enforces nothing.
package registry
