package cli

import (
	"path/filepath"

	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/internal/rdma"
	"github.com/gonvme/gonvme/internal/rdma/rdmatest"
	"github.com/gonvme/gonvme/nvmftest"
)

// fixtureVerbs answers QUERY_PORT with the 6.1 guest's captured answers.
func fixtureVerbs(root hostfs.FS) rdma.PortQuerier {
	return rdmatest.Querier(root, filepath.Join(nvmftest.Fixtures(), "rdma", "uverbs"))
}
