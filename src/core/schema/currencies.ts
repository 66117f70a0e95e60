import * as z from "zod";

/**
 * The active ISO 4217 currency codes a shop can take payment in (ISO 4217 list one, as published in 2025): fund
 * codes (BOV, CHE, CHW, CLF, COU, MXV, USN, UYI, UYW), precious metals, bond units, SDRs and the testing codes (X… other
 * than the CFA, CFP and Caribbean francs and dollars) are left out, since no order is paid in them. Currencies being
 * replaced are kept beside their successors (ANG/XCG, SLL/SLE, VES/VED, ZWL/ZWG) while shops may still report them.
 */
export const ISO_4217_CURRENCIES: ReadonlySet<string> = new Set(
  `AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF
  CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF
  IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK
  MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR
  SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS
  VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL`.split(/\s+/),
);

/** A currency on an order: one of ISO_4217_CURRENCIES, in capitals. */
export const CurrencySchema = z
  .string()
  .refine((code) => ISO_4217_CURRENCIES.has(code), "an ISO 4217 currency code such as GBP");
