package fabrics_test

import (
	"fmt"
	"syscall"

	"github.com/gonvme/gonvme/fabrics"
)

func ExampleOptions_Check() {
	o := fabrics.Options{
		Transport:   "rdma",
		NQN:         "nqn.2026-11.io.gonvme:test1",
		Traddr:      "169.254.99.1",
		Trsvcid:     "4420",
		CtrlLossTmo: fabrics.Int(600),
	}
	v, err := o.Check()
	fmt.Println(v.Encode(), err)

	o.NQN += ",duplicate_connect"
	_, err = o.Check()
	fmt.Println(err)
	// Output:
	// nqn=nqn.2026-11.io.gonvme:test1,transport=rdma,traddr=169.254.99.1,trsvcid=4420,ctrl_loss_tmo=600 <nil>
	// invalid nqn "nqn.2026-11.io.gonvme:test1,duplicate_connect": contains ',' at byte 27, which would split the kernel's option string
}

func ExampleExplain() {
	meaning, hint := fabrics.Explain("connect", "rdma", syscall.ENODEV)
	fmt.Println(meaning)
	fmt.Println(hint)
	// Output:
	// no RDMA device serves the route to that address
	// check 'rdma link show' for a device on the interface that reaches the target (soft-RoCE: 'rdma link add rxe0 type rxe netdev <nic>'), or pin the source with host_traddr
}
