package domain

import (
	"errors"
	"fmt"
)

// Code is a stable, machine-readable name of a rule a request broke. The
// server sends it in problem+json, the app maps it to its own screens; the
// strings never change once published.
type Code string

// Codes of the reading rules.
const (
	CodeEmpty               Code = "empty_value"
	CodeNotANumber          Code = "not_a_number"
	CodeTooManyDigits       Code = "too_many_digits"
	CodeTooManyDecimals     Code = "too_many_decimals"
	CodeLowerThanPrevious   Code = "reading_lower_than_previous"
	CodeNeedsConfirmation   Code = "needs_confirmation"
	CodeOutsideWindow       Code = "outside_submission_window"
	CodeUnknownMeter        Code = "unknown_meter"
	CodeMeterRemoved        Code = "meter_not_active"
	CodeZoneMismatch        Code = "zone_mismatch"
	CodeTakenInFuture       Code = "taken_in_future"
	CodeTakenTooEarly       Code = "taken_too_early"
	CodeBadDate             Code = "bad_date"
	CodePasswordTooShort    Code = "password_too_short"
	CodePasswordTooLong     Code = "password_too_long"
	CodePasswordTooCommon   Code = "password_too_common"
	CodePasswordSameAsLogin Code = "password_same_as_customer"
	CodeBadEmail            Code = "bad_email"
	CodeBadPhone            Code = "bad_phone"
)

// Codes of the app's own data on this computer.
const (
	// CodeStoreDamaged: a value in the app's local data file failed its
	// checksum or does not decode. The next start sets the file aside and
	// rebuilds it, with the unsent readings restored from the journal.
	CodeStoreDamaged Code = "local_data_damaged"
)

// Codes of the outbox on the person's computer: a reading waiting to be
// sent can be corrected or withdrawn until an attempt to send it starts.
const (
	// CodeAlreadySent: the portal has accepted the reading; it can no
	// longer be withdrawn or changed here.
	CodeAlreadySent Code = "reading_already_sent"
	// CodeBeingSent: an attempt to send the reading has started and its
	// outcome is unknown, so the portal may hold it already.
	CodeBeingSent Code = "reading_being_sent"
	// CodeNotQueued: no such reading waits to be sent.
	CodeNotQueued Code = "reading_not_queued"
)

// Codes of the profile and its phone proof (issue #11.1).
const (
	// CodeCurrentPasswordRequired: changing the phone or e-mail needs the
	// current password, and none was given.
	CodeCurrentPasswordRequired Code = "current_password_required"
	// CodeWrongCurrentPassword: the current password given is wrong.
	CodeWrongCurrentPassword Code = "wrong_current_password"
	// CodePhoneCodeSent: the new phone waits for the code sent to it (an
	// answer, not an error).
	CodePhoneCodeSent Code = "phone_code_sent"
	// CodePhoneCodeWrong: the code typed is not the one sent.
	CodePhoneCodeWrong Code = "phone_code_wrong"
	// CodePhoneCodeExpired: the code ran out of time or of tries; a new
	// one must be asked for.
	CodePhoneCodeExpired Code = "phone_code_expired"
	// CodeNoPhoneChange: a code was typed but no new phone waits for one.
	CodeNoPhoneChange Code = "phone_change_not_requested"
	// CodeTooManyPhoneCodes: the day's codes for the customer or the
	// number are used up.
	CodeTooManyPhoneCodes Code = "too_many_phone_codes"
	// CodeRecoveryRequested: the answer to a password-recovery request,
	// the same whether or not the details matched.
	CodeRecoveryRequested Code = "recovery_requested"
)

// Error is a broken rule: a stable Code, a Russian Message that tells a
// person what to do, and the numbers the message was built from, so a client
// can build its own sentence (for example the previous reading and its date).
type Error struct {
	Code    Code
	Message string
	// Field names the input the error is about ("t1", "password", …); empty
	// when it concerns the whole request.
	Field  string
	Params map[string]string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s (%s): %s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf builds an Error with a formatted Russian message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WithField returns a copy of e that names field.
func (e *Error) WithField(field string) *Error {
	c := *e
	c.Field = field
	return &c
}

// WithParam returns a copy of e with one more parameter.
func (e *Error) WithParam(key, value string) *Error {
	c := *e
	c.Params = make(map[string]string, len(e.Params)+1)
	for k, v := range e.Params {
		c.Params[k] = v
	}
	c.Params[key] = value
	return &c
}

// ErrorCode returns the Code of the first *Error in err's chain, or "".
func ErrorCode(err error) Code {
	var de *Error
	if errors.As(err, &de) {
		return de.Code
	}
	return ""
}
