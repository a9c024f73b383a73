package cli

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/internal/rdma"
	"github.com/gonvme/gonvme/nvmftest"
)

// fixtureVerbs answers QUERY_PORT with the 6.1 guest's captured answers for
// the uverbs devices the fake root's sysfs names, and refuses any other
// path as the kernel would.
func fixtureVerbs(root hostfs.FS) rdma.PortQuerier {
	dir := filepath.Join(nvmftest.Fixtures(), "rdma", "uverbs")
	return func(path string, ports []int) (map[int]rdma.PortAttr, error) {
		ents, _ := root.ReadDir(rdma.VerbsClassDir)
		for _, e := range ents {
			if root.Path(rdma.VerbsDevDir+"/"+e.Name()) != path {
				continue
			}
			dev, _ := root.ReadAttr(rdma.VerbsClassDir + "/" + e.Name() + "/ibdev")
			out := map[int]rdma.PortAttr{}
			for _, p := range ports {
				b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("%s-port%d.bin", dev, p)))
				if err != nil {
					return nil, err
				}
				if out[p], err = rdma.ParseQueryPortResp(b); err != nil {
					return nil, err
				}
			}
			return out, nil
		}
		return nil, &fs.PathError{Op: "open", Path: path, Err: fs.ErrNotExist}
	}
}
