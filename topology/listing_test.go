package topology

import (
	"sync"
	"testing"

	"github.com/gonvme/gonvme/hostfs"
)

// A directory listing reads until getdents says the end: a short result
// is not the end. ext4 (the file system of the test roots) returned "."
// and ".." alone now and then under load, and a listing that stopped
// there lost every controller. Many scans at once bring it out on a busy
// machine; it cannot be forced.
func TestListingSurvivesShortReads(t *testing.T) {
	tr := tree{}.ctrl("nvme0", map[string]string{"transport": "loop"})
	fs := hostfs.New(tr.write(t))
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1500; i++ {
				if names, err := listClass(fs, ControllerClass); len(names) != 1 || err != nil {
					t.Errorf("listing %d: %v, %v; want [nvme0]", i, names, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
