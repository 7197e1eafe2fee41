package org.visorfleet.common.pki;

import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;

/** Subject names made of a single common name. */
final class Names {

    /** RFC 5280 ub-common-name. */
    static final int MAX_COMMON_NAME = 64;

    private Names() {}

    /**
     * {@code CN=commonName}, encoded as a UTF8String.
     *
     * @throws IllegalArgumentException if the name is blank, longer than 64 characters or has control
     *     characters
     */
    static X500Name commonName(String commonName) {
        if (commonName.isBlank()
                || commonName.length() > MAX_COMMON_NAME
                || commonName.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(
                    "common name must be 1.." + MAX_COMMON_NAME + " printable characters: " + commonName);
        }
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, commonName)
                .build();
    }

    /** The first CN in {@code name} as text, or "" if it has none or it is not a string type. */
    static String commonNameOf(X500Name name) {
        RDN[] rdns = name.getRDNs(BCStyle.CN);
        if (rdns.length == 0 || rdns[0].getFirst() == null) {
            return "";
        }
        return rdns[0].getFirst().getValue() instanceof ASN1String text ? text.getString() : "";
    }
}
