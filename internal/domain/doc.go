// Package domain holds Kabinet's model of a customer's electricity account
// and the rules both the portal server and the desktop app apply to it: the
// strict meter-reading parser, the checks a new reading must pass, the
// submission window, tariff charges and the password policy.
//
// It imports nothing else of the module, so the server and the app run the
// very same rules: an offline user hears «показание меньше прошлого» from the
// app exactly as the server would say it.
//
// Money is counted in kopecks (Kopecks), energy and meter registers in
// hundredths of a kilowatt-hour (Decimal); nothing here uses floating point.
package domain
