package cli

import (
	"fmt"
	"sort"
	"strings"
)

// hostClashNote explains the kernel's refusal of a host identity that
// does not match one it already holds (kernels from 6.5 log "found same
// hostnqn … but different hostid …" or the reverse and fail with EINVAL):
// it names the controllers that hold the other pairing and what to pass
// instead. It returns "" when lines hold no such refusal.
func (env *Env) hostClashNote(lines []string, hostNQN, hostID string) string {
	var sameNQN bool
	found := false
	for _, l := range lines {
		switch {
		case strings.Contains(l, "found same hostnqn"):
			found, sameNQN = true, true
		case strings.Contains(l, "found same hostid"):
			found = true
		}
	}
	if !found {
		return ""
	}
	var holders []string
	other := ""
	entries, _ := env.FS.ReadDir("/sys/class/nvme")
	for _, e := range entries {
		dir := "/sys/class/nvme/" + e.Name()
		n, _ := env.FS.ReadAttr(dir + "/hostnqn")
		id, _ := env.FS.ReadAttr(dir + "/hostid")
		switch {
		case sameNQN && n == hostNQN && id != hostID:
			holders, other = append(holders, e.Name()), id
		case !sameNQN && id == hostID && n != hostNQN:
			holders, other = append(holders, e.Name()), n
		}
	}
	sort.Strings(holders)
	const rule = "the kernel pairs each host NQN with one host ID while any controller uses it"
	switch {
	case len(holders) == 0:
		return rule + ": keep /etc/nvme/hostid equal to the UUID in /etc/nvme/hostnqn, and pass --hostnqn and --hostid together"
	case sameNQN:
		return fmt.Sprintf("%s: host NQN %s is in use with host ID %s by %s; connect with --hostid %s, or disconnect those controllers first",
			rule, hostNQN, other, strings.Join(holders, ", "), other)
	default:
		return fmt.Sprintf("%s: host ID %s is in use with host NQN %s by %s; connect with --hostnqn %s, or give this host NQN its own --hostid",
			rule, hostID, other, strings.Join(holders, ", "), other)
	}
}
