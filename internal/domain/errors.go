package domain

import (
	"errors"
	"fmt"
)

// Code is a stable, machine-readable name of a rule a request broke. The
// server sends it in problem+json, the app maps it to its own screens; the
// strings never change once published.
type Code string

// Codes of the reading rules. Params the window builds its sentence from are
// named after each code; dates are YYYY-MM-DD, numbers have a dot.
const (
	// CodeEmpty: a value is missing (Field the zone; Params "zone_name"
	// when one zone of several is missing).
	CodeEmpty Code = "empty_value"
	// CodeNotANumber: the value is not written in digits.
	CodeNotANumber Code = "not_a_number"
	// CodeTooManyDigits: more whole digits than the meter has
	// (Params "digits").
	CodeTooManyDigits Code = "too_many_digits"
	// CodeTooManyDecimals: more fraction digits than the meter has
	// (Params "fraction_digits").
	CodeTooManyDecimals Code = "too_many_decimals"
	// CodeLowerThanPrevious: the value is below the last accepted one
	// (Params "previous", "previous_date").
	CodeLowerThanPrevious Code = "reading_lower_than_previous"
	// CodeNeedsConfirmation: the reading is possible but unusual and must
	// be confirmed (Params "reason": "rollover" with "previous" and
	// "value", or "jump" with "consumption", "average_monthly" and, when
	// it replaces the month's first reading, "replaces_date").
	CodeNeedsConfirmation Code = "needs_confirmation"
	// CodeOutsideWindow: readings are not accepted today (Params
	// "start_day", "end_day", "window_start", "window_end", "today").
	CodeOutsideWindow Code = "outside_submission_window"
	// CodeUnknownMeter: no such meter on the account.
	CodeUnknownMeter Code = "unknown_meter"
	// CodeMeterRemoved: the meter was removed (Params "serial",
	// "removed_on", "replaced_by" when known).
	CodeMeterRemoved Code = "meter_not_active"
	// CodeZoneMismatch: a value for a zone the meter lacks (Params
	// "serial").
	CodeZoneMismatch Code = "zone_mismatch"
	// CodeTakenInFuture: the date the reading was taken is after today
	// (Params "taken_on").
	CodeTakenInFuture Code = "taken_in_future"
	// CodeTakenTooEarly: the reading was taken too long ago (Params
	// "taken_on", "earliest").
	CodeTakenTooEarly Code = "taken_too_early"
	// CodeBadDate: the date is not a date.
	CodeBadDate Code = "bad_date"
	// CodePasswordTooShort: a new password is too short (Params "min").
	CodePasswordTooShort Code = "password_too_short"
	// CodePasswordTooLong: a new password is too long (Params "max").
	CodePasswordTooLong Code = "password_too_long"
	// CodePasswordTooCommon: a new password is on the list of common ones.
	CodePasswordTooCommon Code = "password_too_common"
	// CodePasswordSameAsLogin: a new password is the customer number.
	CodePasswordSameAsLogin Code = "password_same_as_customer"
	// CodeBadEmail: an e-mail address is not one.
	CodeBadEmail Code = "bad_email"
	// CodeBadPhone: a phone number is not a Russian mobile number.
	CodeBadPhone Code = "bad_phone"
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
	// CodePhoneCodeWrong: the code typed is not the one sent (Params
	// "tries_left"), or is not 6 digits (no Params).
	CodePhoneCodeWrong Code = "phone_code_wrong"
	// CodePhoneCodeExpired: the code ran out of time or of tries; a new
	// one must be asked for.
	CodePhoneCodeExpired Code = "phone_code_expired"
	// CodeNoPhoneChange: a code was typed but no new phone waits for one.
	CodeNoPhoneChange Code = "phone_change_not_requested"
	// CodeTooManyPhoneCodes: the day's codes for the customer or the
	// number are used up (Params "per_day", "contact_phone").
	CodeTooManyPhoneCodes Code = "too_many_phone_codes"
	// CodeRecoveryRequested: the answer to a password-recovery request,
	// the same whether or not the details matched.
	CodeRecoveryRequested Code = "recovery_requested"
)

// Codes of the app's own service on the person's computer: what the window
// or the command line was asked to do cannot be done yet.
const (
	// CodeNotLoggedIn: the action needs a login first.
	CodeNotLoggedIn Code = "not_logged_in"
	// CodeNeedsConnection: the action needs the portal, which cannot be
	// reached; nothing was changed.
	CodeNeedsConnection Code = "needs_connection"
	// CodeNoData: the account was never downloaded, so nothing about it
	// (a reading check, a bill, a statement) can be done offline.
	CodeNoData Code = "no_account_data"
	// CodeAlreadyRunning: another window of the program holds the local
	// data file.
	CodeAlreadyRunning Code = "already_running"
	// CodeNewerVersion: the local data file was written by a newer version
	// of the program; it is left untouched.
	CodeNewerVersion Code = "data_of_newer_version"
	// CodeNoInvoice: the account has no bill for the month asked for.
	// Params: "period" (YYYY-MM).
	CodeNoInvoice Code = "no_invoice_for_month"
	// CodeMonthsReversed: the first month of a statement is after the
	// last one.
	CodeMonthsReversed Code = "statement_months_reversed"
)

// Codes of the connection to the portal, given by the portal client on the
// person's computer (the portal never sends them).
const (
	// CodeNoConnection: the portal could not be reached or did not answer
	// in time. Whatever was saved stays saved.
	CodeNoConnection Code = "no_connection"
	// CodeComputerClock: the portal's certificate is not valid at the
	// computer's time, which almost always means a wrong date on the
	// computer.
	CodeComputerClock Code = "computer_clock_wrong"
	// CodeCertificate: the portal's certificate failed verification
	// (possibly an interception); never retried.
	CodeCertificate Code = "portal_certificate_invalid"
	// CodePortalUnavailable: the portal answered with a server failure
	// (5xx) without a code of its own, after the retries ran out.
	CodePortalUnavailable Code = "portal_unavailable"
	// CodeBadAnswer: the answer was not the portal's API (a proxy's page,
	// a captive portal, a body that does not decode): the address may be
	// wrong or the connection intercepted.
	CodeBadAnswer Code = "portal_bad_answer"
)

// Codes of the portal's problem answers (problem+json) that are not rules of
// a reading or a password. Params, where a problem has them, are listed.
// Any problem answered with Retry-After carries it on the client as the
// param "retry_after" (whole seconds).
const (
	// CodeBadRequest: the request is malformed (an old or broken client).
	CodeBadRequest Code = "bad_request"
	// CodeBodyTooLarge: the request body is over the size limit.
	CodeBodyTooLarge Code = "body_too_large"
	// CodeUnsupportedMedia: the request body is not JSON.
	CodeUnsupportedMedia Code = "unsupported_media_type"
	// CodeSessionEnded: the session token is missing, expired or ended
	// (401): log in again. Queued work stays queued.
	CodeSessionEnded Code = "unauthorized"
	// CodeWrongCredentials: the customer number or the password is wrong.
	CodeWrongCredentials Code = "wrong_credentials"
	// CodeTooManyAttempts: too many failed logins (no Field) or failed
	// current passwords (Field "current_password"); wait "retry_after".
	CodeTooManyAttempts Code = "too_many_attempts"
	// CodeTooManyRequests: too many password-recovery requests from this
	// computer; wait "retry_after".
	CodeTooManyRequests Code = "too_many_requests"
	// CodePasswordChangeRequired: logged in with a temporary password; a
	// new one must be set first.
	CodePasswordChangeRequired Code = "password_change_required"
	// CodePasswordNotChanged: the new password is the current one.
	CodePasswordNotChanged Code = "password_not_changed"
	// CodeNotFound: no such account among the customer's, or no such
	// address in the API.
	CodeNotFound Code = "not_found"
	// CodeKeyRequired: a write came without its Idempotency-Key.
	CodeKeyRequired Code = "idempotency_key_required"
	// CodeBadKey: the Idempotency-Key is malformed.
	CodeBadKey Code = "bad_idempotency_key"
	// CodeKeyReused: the Idempotency-Key was used before with other data.
	CodeKeyReused Code = "idempotency_key_reused"
	// CodeCursorExpired: the stored sync cursor is no longer usable; the
	// data is downloaded again in full.
	CodeCursorExpired Code = "cursor_expired"
	// CodeEmailRequired: bills by e-mail need an e-mail address first.
	CodeEmailRequired Code = "email_required"
	// CodeBadQuestion: a question to the supplier is empty (Field "text")
	// or too long (Params "max", Field "text" or "topic").
	CodeBadQuestion Code = "bad_question"
	// CodeEmptyQuery: a search without words.
	CodeEmptyQuery Code = "empty_query"
	// CodeInternal: the portal failed; the data is not lost.
	CodeInternal Code = "internal_error"
	// CodeServiceBusy: too many people are logging in at once; wait
	// "retry_after".
	CodeServiceBusy Code = "service_busy"
	// CodeForbidden: the request came from where it may not come from
	// (a payment notification from outside the provider's addresses).
	CodeForbidden Code = "forbidden"

	// Paying online.

	// CodePaymentAmount: the amount to pay is below the minimum or above
	// the maximum (Params "min_kop", "max_kop").
	CodePaymentAmount Code = "payment_amount_invalid"
	// CodeNothingDue: no amount was given and nothing is due now.
	CodeNothingDue Code = "payment_nothing_due"
	// CodePaymentsOff: the supplier has not switched online payment on.
	CodePaymentsOff Code = "payments_disabled"
	// CodePaymentProvider: the payment provider did not answer or its
	// answer is not known yet; repeating with the same Idempotency-Key
	// is safe ("retry_after").
	CodePaymentProvider Code = "payment_provider_unavailable"
	// CodePaymentNeedsNetwork: paying online needs the portal; it is never
	// queued (the bill's QR code works offline).
	CodePaymentNeedsNetwork Code = "payment_needs_network"
)

// Codes returns every code declared in this package, for the clients that
// must have a sentence for each.
func Codes() []Code {
	return []Code{
		CodeEmpty, CodeNotANumber, CodeTooManyDigits, CodeTooManyDecimals, CodeLowerThanPrevious,
		CodeNeedsConfirmation, CodeOutsideWindow, CodeUnknownMeter, CodeMeterRemoved, CodeZoneMismatch,
		CodeTakenInFuture, CodeTakenTooEarly, CodeBadDate, CodePasswordTooShort, CodePasswordTooLong,
		CodePasswordTooCommon, CodePasswordSameAsLogin, CodeBadEmail, CodeBadPhone,
		CodeStoreDamaged,
		CodeAlreadySent, CodeBeingSent, CodeNotQueued,
		CodeCurrentPasswordRequired, CodeWrongCurrentPassword, CodePhoneCodeSent, CodePhoneCodeWrong,
		CodePhoneCodeExpired, CodeNoPhoneChange, CodeTooManyPhoneCodes, CodeRecoveryRequested,
		CodeNotLoggedIn, CodeNeedsConnection, CodeNoData, CodeAlreadyRunning, CodeNewerVersion,
		CodeNoInvoice, CodeMonthsReversed,
		CodeNoConnection, CodeComputerClock, CodeCertificate, CodePortalUnavailable, CodeBadAnswer,
		CodeBadRequest, CodeBodyTooLarge, CodeUnsupportedMedia, CodeSessionEnded, CodeWrongCredentials,
		CodeTooManyAttempts, CodeTooManyRequests, CodePasswordChangeRequired, CodePasswordNotChanged,
		CodeNotFound, CodeKeyRequired, CodeBadKey, CodeKeyReused, CodeCursorExpired, CodeEmailRequired,
		CodeBadQuestion, CodeEmptyQuery, CodeInternal, CodeServiceBusy, CodeForbidden,
		CodePaymentAmount, CodeNothingDue, CodePaymentsOff, CodePaymentProvider, CodePaymentNeedsNetwork,
	}
}

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

// Is makes errors.Is(err, target) true when target is an *Error with the
// same Code, so a sentinel keeps matching after WithField or WithParam.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code != "" && t.Code == e.Code
}

// ErrorCode returns the Code of the first *Error in err's chain, or "".
func ErrorCode(err error) Code {
	var de *Error
	if errors.As(err, &de) {
		return de.Code
	}
	return ""
}
