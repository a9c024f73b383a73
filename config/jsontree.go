package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
)

// maxDepth bounds JSON nesting; libnvme's schema needs 7 levels.
const maxDepth = 64

// node is one JSON value and the line it ends on, so that errors can point
// at it. encoding/json's Token API checks the syntax; node keeps what a
// map[string]any would lose: key order, duplicate keys and positions.
type node struct {
	line  int
	value any // string, json.Number, bool, nil, *object or []*node
}

type object struct {
	keys []string
	vals map[string]*node
}

// kind names a node's JSON type for error messages.
func (n *node) kind() string {
	switch n.value.(type) {
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case *object:
		return "an object"
	case []*node:
		return "an array"
	}
	return "null"
}

// jsonParser decodes a document into nodes.
type jsonParser struct {
	dec        *json.Decoder
	src        []byte
	lineStarts []int
	file       string
}

func parseJSONTree(b []byte, file string) (*node, error) {
	p := &jsonParser{dec: json.NewDecoder(bytes.NewReader(b)), src: b, file: file, lineStarts: []int{0}}
	p.dec.UseNumber()
	for i, c := range b {
		if c == '\n' {
			p.lineStarts = append(p.lineStarts, i+1)
		}
	}
	root, err := p.value(0)
	if err != nil {
		return nil, err
	}
	if _, err := p.dec.Token(); err != io.EOF {
		return nil, p.syntax(err, "unexpected data after the top-level value")
	}
	return root, nil
}

// lineAt returns the 1-based line of byte offset off.
func (p *jsonParser) lineAt(off int64) int {
	return sort.Search(len(p.lineStarts), func(i int) bool { return int64(p.lineStarts[i]) > off })
}

func (p *jsonParser) syntax(err error, reason string) error {
	off := p.dec.InputOffset()
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		off, reason = se.Offset, se.Error()
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		off, reason, err = int64(len(p.src))-1, "unexpected end of file", nil
	}
	return &Error{File: p.file, Line: p.lineAt(max(off, 0)), Reason: "invalid JSON: " + reason, Err: err}
}

func (p *jsonParser) value(depth int) (*node, error) {
	tok, err := p.dec.Token()
	if err != nil {
		return nil, p.syntax(err, "expected a value")
	}
	n := &node{line: p.lineAt(p.dec.InputOffset() - 1)}
	if depth > maxDepth {
		return nil, &Error{File: p.file, Line: n.line, Reason: fmt.Sprintf("nested more than %d levels deep", maxDepth)}
	}
	switch tok {
	case json.Delim('{'):
		o := &object{vals: map[string]*node{}}
		for p.dec.More() {
			kt, err := p.dec.Token()
			if err != nil {
				return nil, p.syntax(err, "expected a key")
			}
			key := kt.(string)
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			if _, dup := o.vals[key]; dup {
				return nil, &Error{File: p.file, Line: v.line, Reason: fmt.Sprintf("key %q appears twice in one object", key)}
			}
			o.keys = append(o.keys, key)
			o.vals[key] = v
		}
		if _, err := p.dec.Token(); err != nil {
			return nil, p.syntax(err, "expected '}'")
		}
		n.value = o
	case json.Delim('['):
		items := []*node{}
		for p.dec.More() {
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			items = append(items, v)
		}
		if _, err := p.dec.Token(); err != nil {
			return nil, p.syntax(err, "expected ']'")
		}
		n.value = items
	default:
		n.value = tok
	}
	return n, nil
}
