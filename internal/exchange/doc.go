// Package exchange is the portal's data exchange with the supplier's
// billing system, the source of truth for master data. Import loads one
// file of a Kind — customers, tariffs, accounts, meters, payments from bank
// registers, invoices — as CSV (";", UTF-8 or Windows-1251) or JSON Lines:
// all of it in one transaction or, on any mistake, nothing, the mistakes
// listed in Russian with their line numbers (*LineErrors). A record that
// matches what is stored changes nothing, so a file loaded twice moves no
// change number; a real change moves the change numbers of the accounts
// it touches, so the apps see it at their next sync. The command
// `kabinet-portal import` and the service API both call Import; the
// fields of every kind are in docs/exchange-import.md.
//
// The file is read a record at a time, twice: checked whole without the
// database (source.go reads it, fields.go and kinds*.go make records into
// values), then loaded in chunks through portaldb.BillingImport (run.go).
//
// Invoices.Import is the older way for bills: a JSON array read whole.
package exchange
