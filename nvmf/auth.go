package nvmf

import (
	"fmt"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/hostauth"
)

// hostAuth is the kernel's DH-HMAC-CHAP host support, probed once.
func (e *Edge) hostAuth() hostauth.Support {
	e.authOnce.Do(func() {
		if e.AuthSupport != nil {
			e.auth = e.AuthSupport()
		} else {
			e.auth = hostauth.Probe(e.FS)
		}
	})
	return e.auth
}

// CheckAuth refuses o when it carries a DH-HMAC-CHAP secret and the
// running kernel is known to lack host authentication: such a kernel
// connects without authenticating wherever the target allows it. The
// error is a *hostauth.Error and matches errors.ErrUnsupported.
func (e *Edge) CheckAuth(o fabrics.Options) error {
	if o.DHCHAPSecret == "" && o.DHCHAPCtrlSecret == "" {
		return nil
	}
	if s := e.hostAuth(); s.Known && !s.Supported {
		return &hostauth.Error{Flag: secretFlag(o), Support: s}
	}
	return nil
}

func secretFlag(o fabrics.Options) string {
	if o.DHCHAPSecret == "" {
		return "dhchap_ctrl_secret (-C/--dhchap-ctrl-secret)"
	}
	return "dhchap_secret (-S/--dhchap-secret)"
}

// create is fabrics.Connect guarded for secrets and TLS: CheckAuth and
// CheckTLS first, and a new controller without the dhchap_secret
// attribute, proof that the kernel ignored the secret, is deleted and
// refused.
func (e *Edge) create(v fabrics.Validated) (fabrics.Reply, error) {
	o := v.Options()
	if err := e.CheckAuth(o); err != nil {
		return fabrics.Reply{}, err
	}
	if err := e.CheckTLS(o); err != nil {
		return fabrics.Reply{}, err
	}
	r, err := fabrics.Connect(e.Kernel, v)
	if err != nil || o.DHCHAPSecret == "" {
		return r, err
	}
	name := r.Device()
	if hostauth.HasSecretAttr(e.FS, name) {
		return r, nil
	}
	s := hostauth.Support{Known: true, Evidence: "the new controller " + name + " has no dhchap_secret attribute"}
	if derr := e.Delete(name); derr != nil {
		return fabrics.Reply{}, fmt.Errorf("%w; deleting %s failed too, run 'gonvme disconnect -d %s': %w", &hostauth.Error{Flag: secretFlag(o), Support: s}, name, name, derr)
	}
	s.Evidence += "; it was disconnected again"
	return fabrics.Reply{}, &hostauth.Error{Flag: secretFlag(o), Support: s}
}
