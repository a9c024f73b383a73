package config

import (
	"fmt"
	"os"
	"strings"
)

// maxSecretFile bounds what a secret file may hold: a 64-byte key is 103
// characters in its representation.
const maxSecretFile = 4096

// SecretValue returns v, or the content of FILE when v is "@FILE": one
// line, trailing white space dropped. Errors name what (the flag or key)
// and the file, never the content.
func SecretValue(what, v string) (string, error) {
	path, ok := strings.CutPrefix(v, "@")
	if !ok {
		return v, nil
	}
	return ReadSecretFile(what, path)
}

// ReadSecretFile reads a secret from the file at path (see SecretValue).
func ReadSecretFile(what, path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	if !fi.Mode().IsRegular() || fi.Size() > maxSecretFile {
		return "", fmt.Errorf("%s: %s is not a regular file of at most %d bytes", what, path, maxSecretFile)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	s := strings.TrimRight(string(b), " \t\r\n")
	switch {
	case s == "":
		return "", fmt.Errorf("%s: %s is empty", what, path)
	case strings.ContainsAny(s, "\n\r"):
		return "", fmt.Errorf("%s: %s holds more than one line; it must hold only the key", what, path)
	}
	return s, nil
}
