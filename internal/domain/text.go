package domain

// IsDigits reports whether s is one or more ASCII digits: an account or
// customer number, a numeric ID.
func IsDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
