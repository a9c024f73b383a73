package discovery_test

import (
	"fmt"
	"os"

	"github.com/gonvme/gonvme/discovery"
)

func ExampleDecode() {
	page, err := os.ReadFile("testdata/rdma-nvmet.bin")
	if err != nil {
		fmt.Println(err)
		return
	}
	l, err := discovery.Decode(page)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range l.Entries {
		if e.SubType != discovery.SubTypeNVMe {
			continue
		}
		fmt.Printf("%s %s:%s %s\n", discovery.TrTypeString(e.TrType), e.TrAddr, e.TrSvcID, e.SubNQN)
	}
	// Output:
	// rdma 169.254.99.1:4420 nqn.2024-01.io.gonvme:subsys1
	// rdma 169.254.99.1:4420 nqn.2024-01.io.gonvme:subsys2
}
