package blockkit

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
)

// maxCarried bounds the values a modal's metadata unpacks, so a forged
// one cannot make the adapter inflate a bomb.
const maxCarried = 1 << 20

// pack is values as deflated JSON in base64: a paged form's earlier pages
// carry a hundred values or more ("goal_17":"420000"), which compress to a
// fraction and so fit private_metadata's 3,000 characters.
func pack(values map[string]string) (string, error) {
	raw, err := json.Marshal(values)
	if err != nil {
		return "", fmt.Errorf("pack values: %w", err)
	}
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression)
	if _, err := w.Write(raw); err != nil {
		return "", fmt.Errorf("pack values: %w", err)
	}
	if err := w.Close(); err != nil {
		return "", fmt.Errorf("pack values: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b.Bytes()), nil
}

// unpack reads pack's output back.
func unpack(s string) (map[string]string, error) {
	z, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("unpack values: %w", err)
	}
	raw, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(z)), maxCarried+1))
	if err != nil || len(raw) > maxCarried {
		return nil, fmt.Errorf("unpack values: %d bytes: %v", len(raw), err)
	}
	var values map[string]string
	if err := json.Unmarshal(raw, &values); err != nil {
		return nil, fmt.Errorf("unpack values: %w", err)
	}
	return values, nil
}
