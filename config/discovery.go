package config

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/gonvme/gonvme/hostfs"
)

// DiscoveryConfPath lists the discovery controllers connect-all and discover
// use when no target is given.
const DiscoveryConfPath = "/etc/nvme/discovery.conf"

// maxLine bounds one discovery.conf line.
const maxLine = 64 << 10

// ConfLine is one discovery controller of discovery.conf: its arguments as
// they would be written on a discover command line ("--transport=rdma",
// "-a", "169.254.99.1", …).
type ConfLine struct {
	File string
	Line int
	Args []string
}

// ReadDiscoveryConf reads /etc/nvme/discovery.conf. A missing file yields no
// lines and no error.
func ReadDiscoveryConf(fs hostfs.FS) ([]ConfLine, error) {
	b, err := fs.ReadFile(DiscoveryConfPath)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the discovery configuration: %w", err)
	}
	return ParseDiscoveryConf(bytes.NewReader(b), fs.Path(DiscoveryConfPath))
}

// ParseDiscoveryConf splits discovery.conf into lines of arguments. Words are
// separated by spaces or tabs and may be quoted as in a shell: '…' keeps
// everything literally, "…" honours \" and \\, and a backslash outside quotes
// keeps the next character. A '#' that starts a word comments out the rest
// of the line; blank and comment-only lines are skipped. Control characters
// (other than tab, and the CR of a CRLF line end) and invalid UTF-8 are
// refused. file names the input in errors.
func ParseDiscoveryConf(r io.Reader, file string) ([]ConfLine, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	var lines []ConfLine
	n := 0
	for sc.Scan() {
		n++
		args, reason := splitWords(strings.TrimSuffix(sc.Text(), "\r"))
		if reason != "" {
			return nil, &Error{File: file, Line: n, Reason: reason}
		}
		if len(args) > 0 {
			lines = append(lines, ConfLine{File: file, Line: n, Args: args})
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &Error{File: file, Line: n + 1, Reason: fmt.Sprintf("line longer than %d bytes", maxLine), Err: err}
		}
		return nil, fmt.Errorf("reading %s: %w", file, err)
	}
	return lines, nil
}

// splitWords splits one line into shell-like words. A non-empty reason says
// why the line is refused.
func splitWords(line string) (words []string, reason string) {
	if !utf8.ValidString(line) {
		return nil, "not valid UTF-8"
	}
	for i, r := range line {
		if isControl(r) {
			return nil, fmt.Sprintf("control character %U at column %d", r, i+1)
		}
	}
	var (
		word   strings.Builder
		inWord bool
	)
	end := func() {
		if inWord {
			words = append(words, word.String())
			word.Reset()
			inWord = false
		}
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t':
			end()
		case c == '#' && !inWord:
			return words, ""
		case c == '\'':
			j := strings.IndexByte(line[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Sprintf("unterminated ' quote at column %d", i+1)
			}
			word.WriteString(line[i+1 : i+1+j])
			inWord = true
			i += j + 1
		case c == '"':
			start := i
			for i++; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' && i+1 < len(line) && (line[i+1] == '"' || line[i+1] == '\\') {
					i++
				}
				word.WriteByte(line[i])
			}
			if i == len(line) {
				return nil, fmt.Sprintf("unterminated \" quote at column %d", start+1)
			}
			inWord = true
		case c == '\\':
			if i+1 == len(line) {
				return nil, "ends with a backslash (lines cannot be continued)"
			}
			i++
			word.WriteByte(line[i])
			inWord = true
		default:
			word.WriteByte(c)
			inWord = true
		}
	}
	end()
	return words, ""
}

// isControl reports the characters no configuration value may contain: C0
// controls other than tab, DEL, C1 controls, and the Unicode line and
// paragraph separators.
func isControl(r rune) bool {
	return (r < 0x20 && r != '\t') || (r >= 0x7f && r < 0xa0) || r == '\u2028' || r == '\u2029'
}
