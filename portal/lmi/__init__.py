"""Labour-market figures: definitions, confidentiality (suppression), the HR champion's
dashboard and extracts, and each reporting agency's benchmark page."""
