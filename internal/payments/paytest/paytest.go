// Package paytest holds what the payment tests share: a create request as
// the portal sends it, receipt and ЖКУ payment order included.
package paytest

import (
	"kabinet/internal/domain"
	"kabinet/internal/payments"
)

// Email is the customer's e-mail on Request's receipt.
const Email = "ivanova@example.ru"

// Request is a create request of amount as the portal sends it: our id
// pay_1 in the metadata, the 54-ФЗ receipt with one «Электроэнергия» item
// and the ЖКУ payment order of account 1234567890 for April 2026.
func Request(amount domain.Kopecks) payments.CreateRequest {
	return payments.CreateRequest{
		Amount:      amount,
		Description: "Оплата электроэнергии, лицевой счёт 1234567890",
		ReturnURL:   "https://portal.example/pay/return",
		Metadata:    map[string]string{payments.MetadataPaymentID: "pay_1"},
		Receipt: payments.Receipt{
			CustomerEmail: Email,
			Items: []payments.ReceiptItem{{
				Description: "Электроэнергия", Quantity: "1", Amount: amount,
				VATCode: 1, PaymentSubject: "service", PaymentMode: "full_payment",
			}},
			TaxSystemCode: 1,
		},
		PaymentOrder: payments.PaymentOrder{
			Type: "utilities", Amount: amount,
			PaymentPurpose: "Оплата электроэнергии по лицевому счёту 1234567890",
			Recipient: payments.Recipient{
				Name: "АО «Энергосбыт»", INN: "7700000000", KPP: "770001001",
				BankName: "ПАО Сбербанк", BIC: "044525225",
				Account: "40702810900000000001", CorrespondentAcct: "30101810400000000225",
			},
			AccountNumber: "1234567890", PeriodMonth: 4, PeriodYear: 2026,
		},
	}
}
