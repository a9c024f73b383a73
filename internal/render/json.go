package render

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/gonvme/gonvme/internal/compat"
)

// jsonObject is a JSON object that keeps its keys in insertion order, as
// json-c does.
type jsonObject []jsonField

type jsonField struct {
	key string
	val any // string, an integer type, jsonObject, jsonArray, or nil (null)
}

type jsonArray []any

// writeJSON writes v as nvme-cli prints JSON (json-c with
// JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE): two-space
// indent, no space after ':', and a final newline. An empty array is "["
// newline "]" before json-c 0.17 and "[]" from it on (see
// compat.EmptyArrayCompact).
func writeJSON(w io.Writer, p compat.Profile, v any) error {
	var b bytes.Buffer
	writeJSONValue(&b, p.Has(compat.EmptyArrayCompact), v, 0)
	b.WriteByte('\n')
	_, err := w.Write(b.Bytes())
	return err
}

// WriteJSONDevice writes `connect -o json`: {"device":"nvmeX"}.
func WriteJSONDevice(w io.Writer, p compat.Profile, device string) error {
	return writeJSON(w, p, jsonObject{{"device", device}})
}

func writeJSONValue(b *bytes.Buffer, compactEmpty bool, v any, level int) {
	indent := func(l int) { b.WriteString(strings.Repeat("  ", l)) }
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		b.WriteString(discoveryJSONString(v))
	case jsonObject:
		b.WriteString("{\n")
		for i, f := range v {
			if i > 0 {
				b.WriteString(",\n")
			}
			indent(level + 1)
			b.WriteString(discoveryJSONString(f.key))
			b.WriteByte(':')
			writeJSONValue(b, compactEmpty, f.val, level+1)
		}
		if len(v) > 0 {
			b.WriteByte('\n')
		}
		indent(level)
		b.WriteByte('}')
	case jsonArray:
		if len(v) == 0 && compactEmpty {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for i, item := range v {
			if i > 0 {
				b.WriteString(",\n")
			}
			indent(level + 1)
			writeJSONValue(b, compactEmpty, item, level+1)
		}
		if len(v) > 0 {
			b.WriteByte('\n')
		}
		indent(level)
		b.WriteByte(']')
	default:
		fmt.Fprintf(b, "%d", v)
	}
}
