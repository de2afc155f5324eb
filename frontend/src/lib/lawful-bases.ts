/** GDPR Art. 6(1) lawful bases, offered as suggestions; the API takes any text up to 64 characters. */
export const LAWFUL_BASES = [
  "consent",
  "contract",
  "legal_obligation",
  "vital_interests",
  "public_task",
  "legitimate_interests",
];
