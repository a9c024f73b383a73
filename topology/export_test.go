package topology

import "testing"

// WriteOwnNamespacesTree writes ownNamespacesTree under a new temporary
// root and returns the root, for the external tests.
func WriteOwnNamespacesTree(t testing.TB) string { return ownNamespacesTree().write(t) }
