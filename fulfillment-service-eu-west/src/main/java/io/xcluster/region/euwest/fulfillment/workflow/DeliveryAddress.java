package io.xcluster.region.euwest.fulfillment.workflow;

/**
 * Where the parcel goes, when the customer changed it after placing the order. eu-west's own type:
 * us-east sends the same JSON from its own record (docs/contracts.md).
 *
 * @param country ISO 3166-1 alpha-2, upper case (e.g. {@code DE})
 */
public record DeliveryAddress(
    String recipient, String street, String postalCode, String city, String country) {

  /** What is wrong with this address, or null when nothing is. */
  String problem() {
    for (String field : new String[] {recipient, street, postalCode, city}) {
      if (field == null || field.isBlank()) {
        return "recipient, street, postalCode and city must not be blank";
      }
    }
    if (country == null || !country.matches("[A-Z]{2}")) {
      return "country must be two capital letters (ISO 3166-1 alpha-2), was " + country;
    }
    return null;
  }
}
