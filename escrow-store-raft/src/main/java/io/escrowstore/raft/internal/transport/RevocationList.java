package io.escrowstore.raft.internal.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.escrowstore.raft.internal.support.RateLimitedLog;

/**
 * A certificate revocation list file (PEM or DER), checked at every handshake. It must be signed
 * by one of the trusted CAs. The file is read again when its modification time changes, so a new
 * CRL takes effect at the next handshake without a restart; a replacement that cannot be read or
 * verified is logged at WARN and the previous list stays in force. The list's {@code nextUpdate}
 * is not enforced: an old list keeps refusing what it lists.
 */
final class RevocationList {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationList.class);

    private final Path file;
    private final List<X509Certificate> issuers;
    private final RateLimitedLog warnings = new RateLimitedLog(LOG, 60, TimeUnit.SECONDS);
    private volatile Loaded loaded;

    private record Loaded(FileTime modified, X509CRL crl) {
    }

    /** @throws IllegalArgumentException if the file cannot be read or no trusted CA signed it */
    RevocationList(Path file, List<X509Certificate> issuers) {
        this.file = file;
        this.issuers = List.copyOf(issuers);
        try {
            this.loaded = load();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use CRL file " + file + ": " + e.getMessage(), e);
        }
    }

    /** @throws CertificateException if {@code leaf} is on the list */
    void check(X509Certificate leaf) throws CertificateException {
        X509CRL crl = current();
        if (crl.getIssuerX500Principal().equals(leaf.getIssuerX500Principal()) && crl.isRevoked(leaf)) {
            throw new CertificateException("peer certificate " + leaf.getSubjectX500Principal() + " (serial "
                    + leaf.getSerialNumber() + ") is revoked by " + file);
        }
    }

    private X509CRL current() {
        Loaded now = loaded;
        try {
            if (!Files.getLastModifiedTime(file).equals(now.modified())) {
                synchronized (this) {
                    if (loaded == now) {
                        loaded = load();
                    }
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            warnings.warn("crl", "CRL file {} could not be reloaded, the previous list stays in force: {}", file,
                    String.valueOf(e));
        }
        return loaded.crl();
    }

    private Loaded load() throws IOException, GeneralSecurityException {
        FileTime modified = Files.getLastModifiedTime(file);
        X509CRL crl;
        try (InputStream in = Files.newInputStream(file)) {
            crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
        }
        for (X509Certificate issuer : issuers) {
            if (issuer.getSubjectX500Principal().equals(crl.getIssuerX500Principal())) {
                crl.verify(issuer.getPublicKey());
                return new Loaded(modified, crl);
            }
        }
        throw new GeneralSecurityException("the CRL's issuer " + crl.getIssuerX500Principal()
                + " is not a trusted CA");
    }
}
