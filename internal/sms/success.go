package sms

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// ErrRejected is returned (wrapped) when the gateway answered 2xx but its
// body failed the configured success check (HTTPConfig.SuccessMatch,
// SuccessField). It is not retried.
var ErrRejected = errors.New("sms gateway did not report success")

// successCheck decides whether a 2xx body reports success. Its reasons for
// a failure name the check, never what the body said.
type successCheck struct {
	match      *regexp.Regexp
	fieldPath  []string
	fieldName  string
	fieldValue string
}

func newSuccessCheck(match, field, value string) (successCheck, error) {
	var c successCheck
	if match != "" {
		re, err := regexp.Compile(match)
		if err != nil {
			return c, fmt.Errorf("sms: gateway success match: %w", err)
		}
		c.match = re
	}
	if (field == "") != (value == "") {
		return c, errors.New("sms: gateway success field and value must be set together")
	}
	if field != "" {
		c.fieldPath = strings.Split(field, ".")
		if slices.Contains(c.fieldPath, "") {
			return c, fmt.Errorf("sms: gateway success field %q has an empty part", field)
		}
		c.fieldName, c.fieldValue = field, value
	}
	return c, nil
}

func (c successCheck) enabled() bool { return c.match != nil || c.fieldPath != nil }

// check returns why body does not report success, or "" when it does.
func (c successCheck) check(body []byte) string {
	if c.match != nil && !c.match.Match(body) {
		return "response does not match the success pattern"
	}
	if c.fieldPath == nil {
		return ""
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "response is not JSON"
	}
	for _, key := range c.fieldPath {
		switch node := v.(type) {
		case map[string]any:
			next, ok := node[key]
			if !ok {
				return fmt.Sprintf("response has no field %q", c.fieldName)
			}
			v = next
		case []any:
			i, err := strconv.Atoi(key)
			if err != nil || i < 0 || i >= len(node) {
				return fmt.Sprintf("response has no field %q", c.fieldName)
			}
			v = node[i]
		default:
			return fmt.Sprintf("response has no field %q", c.fieldName)
		}
	}
	var got string
	switch x := v.(type) {
	case string:
		got = x
	case json.Number:
		got = x.String()
	case bool:
		got = strconv.FormatBool(x)
	case nil:
		got = "null"
	default:
		return fmt.Sprintf("response field %q is not a single value", c.fieldName)
	}
	if got != c.fieldValue {
		return fmt.Sprintf("response field %q is not %q", c.fieldName, c.fieldValue)
	}
	return ""
}
