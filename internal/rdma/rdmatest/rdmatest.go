package rdmatest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/internal/rdma"
)

// Querier answers QUERY_PORT with the kernel's captured answers in dir
// (DEV-portN.bin, as vmtarget query-port writes them) for the uverbs
// devices root's sysfs names, and refuses any other path with ENOENT, as
// the kernel would.
func Querier(root hostfs.FS, dir string) rdma.PortQuerier {
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
