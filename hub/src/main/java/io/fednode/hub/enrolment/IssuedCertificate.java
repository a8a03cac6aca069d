package io.fednode.hub.enrolment;

/**
 * What enrolment and renewal return: the client certificate chain (leaf first), the CA, and when
 * the certificate expires.
 */
public record IssuedCertificate(String certificateChain, String caCertificate, String notAfter) {}
