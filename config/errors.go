package config

import "fmt"

// Error reports a configuration file that cannot be used as written.
type Error struct {
	File   string // as given to the parser
	Line   int    // 1-based; 0 when the whole file is at fault
	Path   string // JSON path such as "[0].subsystems[1].ports[0].traddr"; "" for discovery.conf
	Reason string
	Err    error // underlying cause, if any
}

func (e *Error) Error() string {
	where := e.File
	if e.Line > 0 {
		where = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Path != "" {
		where += ": " + e.Path
	}
	return fmt.Sprintf("%s: %s; fix it in the file", where, e.Reason)
}

func (e *Error) Unwrap() error { return e.Err }
