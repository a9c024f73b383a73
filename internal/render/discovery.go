package render

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/gonvme/gonvme/discovery"
	"github.com/gonvme/gonvme/internal/compat"
)

// DiscoveryText writes the discovery log as `nvme discover` prints it in
// the profile's release (rdma_pkey as %#04x from 2.9). The record count printed is the number of entries shown.
// Strings from the target are printed as they are, except that control
// characters and invalid UTF-8 are escaped (\xNN, \u00NN) so a hostile
// target cannot drive the terminal.
func DiscoveryText(w io.Writer, p compat.Profile, l *discovery.Log) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "\nDiscovery Log Number of Records %d, Generation counter %d\n", len(l.Entries), l.Genctr)
	for i, e := range l.Entries {
		adrfam := ""
		if e.TrAddr != "" {
			adrfam = discovery.AdrFamString(e.AdrFam)
		}
		fmt.Fprintf(&b, "=====Discovery Log Entry %d======\n", i)
		fmt.Fprintf(&b, "trtype:  %s\n", discovery.TrTypeString(e.TrType))
		fmt.Fprintf(&b, "adrfam:  %s\n", adrfam)
		fmt.Fprintf(&b, "subtype: %s\n", discovery.SubTypeString(e.SubType))
		fmt.Fprintf(&b, "treq:    %s\n", discovery.TReqString(e.TReq))
		fmt.Fprintf(&b, "portid:  %d\n", e.PortID)
		fmt.Fprintf(&b, "trsvcid: %s\n", Escape(e.TrSvcID))
		fmt.Fprintf(&b, "subnqn:  %s\n", Escape(e.SubNQN))
		fmt.Fprintf(&b, "traddr:  %s\n", Escape(e.TrAddr))
		fmt.Fprintf(&b, "eflags:  %s\n", discovery.EFlagsString(e.EFlags))
		switch e.TrType {
		case discovery.TrTypeRDMA:
			r := e.RDMA()
			fmt.Fprintf(&b, "rdma_prtype: %s\n", discovery.PRTypeString(r.PRType))
			fmt.Fprintf(&b, "rdma_qptype: %s\n", discovery.QPTypeString(r.QPType))
			fmt.Fprintf(&b, "rdma_cms:    %s\n", discovery.CMSString(r.CMS))
			fmt.Fprintf(&b, "rdma_pkey: %s\n", pkeyText(p, r.PKey))
		case discovery.TrTypeTCP:
			fmt.Fprintf(&b, "sectype: %s\n", discovery.SecTypeString(e.TCPSecType()))
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// DiscoveryJSON writes the discovery log as `nvme discover -o json`
// (json-c pretty printing; no records print as [] from 2.7: two-space indent, no space after
// the colon) prints it, followed by a newline. Invalid UTF-8 bytes are
// written as the text \xNN, as DiscoveryText does.
func DiscoveryJSON(w io.Writer, p compat.Profile, l *discovery.Log) error {
	var b bytes.Buffer
	if len(l.Entries) == 0 && p.Has(compat.EmptyArrayCompact) {
		fmt.Fprintf(&b, "{\n  \"genctr\":%d,\n  \"records\":[]\n}\n", l.Genctr)
		_, err := w.Write(b.Bytes())
		return err
	}
	fmt.Fprintf(&b, "{\n  \"genctr\":%d,\n  \"records\":[\n", l.Genctr)
	for i, e := range l.Entries {
		fields := []discoveryJSONField{
			{"trtype", discoveryJSONString(discovery.TrTypeString(e.TrType))},
			{"adrfam", discoveryJSONString(discovery.AdrFamString(e.AdrFam))},
			{"subtype", discoveryJSONString(discovery.SubTypeString(e.SubType))},
			{"treq", discoveryJSONString(discovery.TReqString(e.TReq))},
			{"portid", strconv.Itoa(int(e.PortID))},
			{"trsvcid", discoveryJSONString(e.TrSvcID)},
			{"subnqn", discoveryJSONString(e.SubNQN)},
			{"traddr", discoveryJSONString(e.TrAddr)},
			{"eflags", discoveryJSONString(discovery.EFlagsString(e.EFlags))},
		}
		switch e.TrType {
		case discovery.TrTypeRDMA:
			r := e.RDMA()
			fields = append(fields,
				discoveryJSONField{"rdma_prtype", discoveryJSONString(discovery.PRTypeString(r.PRType))},
				discoveryJSONField{"rdma_qptype", discoveryJSONString(discovery.QPTypeString(r.QPType))},
				discoveryJSONField{"rdma_cms", discoveryJSONString(discovery.CMSString(r.CMS))},
				discoveryJSONField{"rdma_pkey", strconv.Itoa(int(r.PKey))},
			)
		case discovery.TrTypeTCP:
			fields = append(fields, discoveryJSONField{"sectype", discoveryJSONString(discovery.SecTypeString(e.TCPSecType()))})
		}
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteString("    {\n")
		for j, f := range fields {
			if j > 0 {
				b.WriteString(",\n")
			}
			fmt.Fprintf(&b, "      \"%s\":%s", f.key, f.value)
		}
		b.WriteString("\n    }")
	}
	if len(l.Entries) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("  ]\n}\n")
	_, err := w.Write(b.Bytes())
	return err
}

// pkeyText is rdma_pkey as the release prints it: 0x%04x, or from 2.9
// C's %#04x, which leaves the 0x off a zero (0000).
func pkeyText(p compat.Profile, pkey uint16) string {
	if !p.Has(compat.DiscoveryPKeyAlt) {
		return fmt.Sprintf("0x%04x", pkey)
	}
	if pkey == 0 {
		return "0000"
	}
	h := strconv.FormatUint(uint64(pkey), 16)
	if len(h) < 2 {
		h = "0" + h // the width, 4, counts the 0x
	}
	return "0x" + h
}

type discoveryJSONField struct{ key, value string }

// discoveryJSONString quotes s as json-c does with JSON_C_TO_STRING_NOSLASHESCAPE:
// short escapes for \b \f \n \r \t " and \\, \u00NN for other control
// characters. C1 control characters are escaped too, and invalid UTF-8
// bytes become the text \xNN, so the output is always valid JSON.
func discoveryJSONString(s string) string {
	var b bytes.Buffer
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\\x%02x`, s[i])
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r >= 0x80 && r < 0xa0:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
	return b.String()
}

// Escape escapes control characters (C0, DEL, C1) and invalid UTF-8 bytes
// in s and leaves everything else as it is: for printing strings that came
// from the network.
func Escape(s string) string {
	var b bytes.Buffer
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1, r < 0x20, r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r >= 0x80 && r < 0xa0:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
