package nvmf

import (
	"fmt"

	"github.com/gonvme/gonvme/discovery"
	"github.com/gonvme/gonvme/fabrics"
)

// EntryOptions turns a discovery log entry into the options of an I/O
// connect to it, with template's identity and settings, as connect-all
// connects it (the I/O defaults, no SQ flow control when TREQ asks, TLS
// when the TSAS requires it). An entry that cannot be connected (unknown
// transport, wrong address family) is an error saying why. The entry's
// values come from the network: they are validated like any input.
func EntryOptions(ent discovery.Entry, template fabrics.Options) (fabrics.Options, error) {
	if _, _, _, skip := entryAddress(ent); skip != "" {
		return fabrics.Options{}, fmt.Errorf("entry %s", skip)
	}
	o, err := pathOptions(WalkOptions{Template: template}, Target{}, ent)
	if err != nil {
		return fabrics.Options{}, err
	}
	if err := o.Validate(); err != nil {
		return fabrics.Options{}, err
	}
	return o, nil
}
