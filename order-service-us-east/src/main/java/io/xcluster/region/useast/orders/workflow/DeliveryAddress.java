package io.xcluster.region.useast.orders.workflow;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a parcel goes, as a customer changes it while the order is open. us-east's own type:
 * eu-west reads the same JSON into its own record (docs/contracts.md). Its text fields follow the
 * same rules as an order's ({@link WellFormedText}).
 *
 * @param country ISO 3166-1 alpha-2, upper case (e.g. {@code DE})
 */
public record DeliveryAddress(
    String recipient, String street, String postalCode, String city, String country) {

  /** The longest recipient, street, postal code or city, in characters (code points). */
  public static final int MAX_FIELD_LENGTH = 200;

  /** What is wrong with this address, one line per field, each starting with the field's name. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    require(recipient, "recipient", problems);
    require(street, "street", problems);
    require(postalCode, "postalCode", problems);
    require(city, "city", problems);
    if (country == null || !country.matches("[A-Z]{2}")) {
      problems.add("country must be two capital letters (ISO 3166-1 alpha-2), was " + country);
    }
    return problems;
  }

  private static void require(String value, String field, List<String> problems) {
    String problem = WellFormedText.problem(value, MAX_FIELD_LENGTH);
    if (problem != null) {
      problems.add(field + " " + problem);
    }
  }
}
