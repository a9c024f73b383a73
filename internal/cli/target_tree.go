package cli

import (
	"io"
	"strconv"
	"strings"

	"github.com/gonvme/gonvme/nvmet"
)

// treeNode is one line of the target tree and its children.
type treeNode struct {
	label string
	kids  []*treeNode
}

func (n *treeNode) add(label string) *treeNode {
	k := &treeNode{label: label}
	n.kids = append(n.kids, k)
	return k
}

// renderTargetTree draws the configuration the way the setup guides show
// it with tree(1): hosts, ports with their subsystems and referrals,
// subsystems with their allowed hosts and namespaces.
func renderTargetTree(w io.Writer, c *nvmet.Config) error {
	root := &treeNode{label: "nvmet"}
	hosts := root.add("hosts")
	for _, h := range c.Hosts {
		l := h.NQN
		if len(h.DHCHAP) > 0 && (h.DHCHAP["key"] != "" || h.DHCHAP["ctrl_key"] != "") {
			l += " (DH-HMAC-CHAP)"
		}
		hosts.add(l)
	}
	ports := root.add("ports")
	for _, p := range c.Ports {
		pn := ports.add(strconv.Itoa(p.PortID) + " " + addrLabel(p.Addr))
		ss := pn.add("subsystems")
		for _, s := range p.Subsystems {
			ss.add(s)
		}
		rs := pn.add("referrals")
		for _, r := range p.Referrals {
			l := r.Name + " " + addrLabel(r.Addr)
			if pid := r.Addr["portid"]; pid != "" {
				l += " portid " + pid
			}
			if r.Enable != nil && *r.Enable == 0 {
				l += " (disabled)"
			}
			rs.add(l)
		}
	}
	subs := root.add("subsystems")
	for _, s := range c.Subsystems {
		l := s.NQN
		if s.Attr["allow_any_host"] == "1" {
			l += " (any host)"
		}
		sn := subs.add(l)
		ah := sn.add("allowed_hosts")
		for _, h := range s.AllowedHosts {
			ah.add(h)
		}
		ns := sn.add("namespaces")
		for _, n := range s.Namespaces {
			l := strconv.Itoa(n.NSID) + " " + n.Device["path"]
			if n.Enable != nil && *n.Enable == 0 {
				l += " (disabled)"
			}
			ns.add(l)
		}
	}
	var b strings.Builder
	b.WriteString(root.label + "\n")
	drawTree(&b, root.kids, "")
	_, err := io.WriteString(w, b.String())
	return err
}

func drawTree(b *strings.Builder, kids []*treeNode, indent string) {
	for i, k := range kids {
		branch, next := "├── ", "│   "
		if i == len(kids)-1 {
			branch, next = "└── ", "    "
		}
		b.WriteString(indent + branch + escapeTree(k.label) + "\n")
		drawTree(b, k.kids, indent+next)
	}
}

// addrLabel is "rdma ipv4 169.254.99.1:4420", or "loop".
func addrLabel(a nvmet.Attrs) string {
	parts := []string{a["trtype"]}
	if a["adrfam"] != "" {
		parts = append(parts, a["adrfam"])
	}
	if a["traddr"] != "" {
		hp := a["traddr"]
		if a["adrfam"] == "ipv6" {
			hp = "[" + hp + "]"
		}
		if a["trsvcid"] != "" && a["trsvcid"] != "none" {
			hp += ":" + a["trsvcid"]
		}
		parts = append(parts, hp)
	}
	if a["treq"] != "" && a["treq"] != "not specified" {
		parts = append(parts, "treq "+strconv.Quote(a["treq"]))
	}
	return strings.Join(parts, " ")
}

// escapeTree quotes labels holding control characters (names come from
// configfs, which holds whatever was written).
func escapeTree(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		q := strconv.Quote(s)
		return q[1 : len(q)-1]
	}
	return s
}
