package io.escrowstore.raft.internal.transport;

import com.alipay.remoting.Connection;
import com.alipay.remoting.ExtendedNettyChannelHandler;
import com.alipay.remoting.config.BoltGenericOption;
import com.alipay.sofa.jraft.rpc.RaftRpcFactory.ConfigHelper;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.impl.BoltRpcClient;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.escrowstore.raft.TlsConfig;
import io.escrowstore.raft.internal.support.RateLimitedLog;

/**
 * One store's TLS identity, wired into bolt per instance: bolt 1.6.7's own SSL support
 * ({@code BoltServerOption.SRV_SSL_*}) reads a key store file that doubles as trust store, takes
 * its trust-manager algorithm from a JVM-wide system property and accepts any certificate the store
 * trusts, so it is not used. Instead every channel, accepted or opened, gets our own
 * {@link SslHandler} through bolt's per-instance {@code EXTENDED_NETTY_CHANNEL_HANDLER} option
 * (first on opened channels; on accepted ones after the {@link ConnectionLimit}, see
 * {@link ServerGuards}); its engine trusts only the configured trust store and a
 * {@link MemberTrustManager} refuses any peer whose certificate names no member (or, as a client,
 * is no operator). The key and trust store files are re-read when they change, for new connections.
 */
public final class TransportSecurity {
    /**
     * The security of the store whose node is being initialised on this thread: jraft creates the
     * node's Raft RPC client inside {@code Node.init} through the SPI-chosen factory, which has no
     * per-node parameter; {@link EscrowRaftRpcFactory} reads it from here.
     */
    private static final ThreadLocal<TransportSecurity> INITIALISING = new ThreadLocal<>();

    private static final Logger LOG = LoggerFactory.getLogger(TransportSecurity.class);

    private final TlsConfig config;
    private final Supplier<Set<String>> members;
    private final String name;
    private final AtomicLong refusedHandshakes = new AtomicLong();
    private final AtomicLong reloads = new AtomicLong();
    private final RateLimitedLog warnings = new RateLimitedLog(LOG, 10, TimeUnit.SECONDS);
    private volatile Loaded loaded;
    private volatile boolean nodeClientSecured;

    /** An SSL context and the modification times of the store files it was built from. */
    private record Loaded(SSLContext context, FileTime keyStoreModified, FileTime trustStoreModified) {
    }

    private TransportSecurity(TlsConfig config, Supplier<Set<String>> members, String name, Loaded loaded) {
        this.config = config;
        this.members = members;
        this.name = name;
        this.loaded = loaded;
    }

    /**
     * Opens the key and trust stores (and the CRL file, if any).
     *
     * @param members the lower-case hosts a peer certificate may name, read at every handshake
     *     (membership changes)
     * @param name the store's name, for log lines
     * @throws IllegalArgumentException if a store cannot be read or holds no usable key or CA
     */
    public static TransportSecurity of(TlsConfig config, Supplier<Set<String>> members, String name) {
        try {
            return new TransportSecurity(config, members, name, load(config, members));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot set up TLS from " + config + ": " + e.getMessage(), e);
        }
    }

    private static Loaded load(TlsConfig config, Supplier<Set<String>> members)
            throws GeneralSecurityException, IOException {
        FileTime keyStoreModified = Files.getLastModifiedTime(config.keyStore());
        FileTime trustStoreModified = Files.getLastModifiedTime(config.trustStore());
        KeyStore keys = load(config.keyStore(), config.keyStoreType(), config.keyStorePassword());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, config.keyStorePassword());
        KeyStore trusted = load(config.trustStore(), config.trustStoreType(), config.trustStorePassword());
        if (trusted.size() == 0) {
            throw new IllegalArgumentException("trust store " + config.trustStore() + " holds no certificate");
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trusted);
        X509ExtendedTrustManager pkix = (X509ExtendedTrustManager) tmf.getTrustManagers()[0];
        SSLContext context = SSLContext.getInstance("TLS");
        RevocationList revoked = config.crlFile().map(file -> new RevocationList(file,
                List.of(pkix.getAcceptedIssuers()))).orElse(null);
        context.init(kmf.getKeyManagers(),
                new javax.net.ssl.TrustManager[] {new MemberTrustManager(pkix, members, revoked)}, null);
        return new Loaded(context, keyStoreModified, trustStoreModified);
    }

    /**
     * The context for a new connection: rebuilt first if the key or trust store file changed
     * (modification time) since it was built, so rotated certificates and CA bundles take effect
     * for new connections without a restart. A changed file that cannot be loaded (e.g. half
     * written) is logged at WARN and tried again at the next connection; the previous context
     * stays in use meanwhile.
     */
    private SSLContext context() {
        Loaded current = loaded;
        try {
            if (!Files.getLastModifiedTime(config.keyStore()).equals(current.keyStoreModified())
                    || !Files.getLastModifiedTime(config.trustStore()).equals(current.trustStoreModified())) {
                synchronized (this) {
                    if (loaded == current) {
                        loaded = load(config, members);
                        long count = reloads.incrementAndGet();
                        LOG.info("{}: TLS key material reloaded from {} and {} (reload {})", name, config.keyStore(),
                                config.trustStore(), count);
                    }
                }
            }
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            warnings.warn("tls-reload", "{}: TLS stores changed but cannot be loaded; the previous ones stay in use: {}",
                    name, String.valueOf(e));
        }
        return loaded.context();
    }

    /** Times the key material was reloaded after a store file changed, since start. */
    public long reloads() {
        return reloads.get();
    }

    private static KeyStore load(java.nio.file.Path path, String type, char[] password)
            throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, password);
        }
        return store;
    }

    /**
     * The handlers that make one accepted channel require a client certificate of a member or an
     * operator: the {@link SslHandler} and the watcher that counts refusals and records the
     * connection's role. {@link ServerGuards} places them.
     */
    List<ChannelHandler> serverHandlers() {
        return List.of(new SslHandler(engine(false)), new HandshakeWatcher(false));
    }

    /** Config helper securing every connection a jraft client opens; works through any factory that passes it on. */
    public ConfigHelper<RpcClient> clientHelper() {
        return this::secure;
    }

    public void secure(RpcClient client) {
        if (!(client instanceof BoltRpcClient)) {
            throw new IllegalStateException("cannot secure " + client.getClass().getName() + ": only bolt clients are supported");
        }
        ((BoltRpcClient) client).getRpcClient().option(BoltGenericOption.EXTENDED_NETTY_CHANNEL_HANDLER,
                clientHandlers());
    }

    private ExtendedNettyChannelHandler clientHandlers() {
        return new ExtendedNettyChannelHandler() {
            @Override
            public List<ChannelHandler> frontChannelHandlers() {
                return List.of(new SslHandler(engine(true)), new HandshakeWatcher(true));
            }

            @Override
            public List<ChannelHandler> backChannelHandlers() {
                return List.of();
            }
        };
    }

    /** Counts and logs (rate-limited) every refused handshake: plaintext, unknown CA, non-member, expired. */
    private final class HandshakeWatcher extends ChannelInboundHandlerAdapter {
        private final boolean clientMode;

        HandshakeWatcher(boolean clientMode) {
            this.clientMode = clientMode;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof SslHandshakeCompletionEvent done && done.isSuccess() && !clientMode) {
                recordRole(ctx);
            }
            if (event instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
                long count = refusedHandshakes.incrementAndGet();
                warnings.warn(clientMode ? "tls-refused-out" : "tls-refused-in",
                        "{}: TLS handshake {} {} refused ({} so far): {}", name, clientMode ? "to" : "from",
                        ctx.channel().remoteAddress(), count, String.valueOf(done.cause()));
            }
            ctx.fireUserEventTriggered(event);
        }

        /** Keeps the client's role and names on bolt's connection, where {@link RoleCheckingRpcServer} reads it. */
        private void recordRole(ChannelHandlerContext ctx) throws CertificateException, SSLPeerUnverifiedException {
            Connection connection = ctx.channel().attr(Connection.CONNECTION).get();
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            if (connection != null && ssl != null) {
                java.security.cert.Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
                connection.setAttribute(PeerRole.CONNECTION_ATTRIBUTE, PeerRole.Peer.of((X509Certificate) chain[0]));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // a refused handshake surfaces here too; the SslHandler has closed the channel already
            ctx.close();
        }
    }

    /** Handshakes refused, in either direction, since start. */
    public long refusedHandshakes() {
        return refusedHandshakes.get();
    }

    SSLEngine engine(boolean clientMode) {
        SSLEngine engine = context().createSSLEngine();
        engine.setUseClientMode(clientMode);
        if (!clientMode) {
            engine.setNeedClientAuth(true);
        }
        engine.setEnabledProtocols(config.protocols().toArray(new String[0]));
        if (!config.cipherSuites().isEmpty()) {
            engine.setEnabledCipherSuites(config.cipherSuites().toArray(new String[0]));
        }
        return engine;
    }

    /** Runs {@code init} with this security visible to {@link EscrowRaftRpcFactory} on this thread. */
    public <T> T duringNodeInit(Supplier<T> init) {
        TransportSecurity previous = INITIALISING.get();
        INITIALISING.set(this);
        try {
            return init.get();
        } finally {
            if (previous == null) {
                INITIALISING.remove();
            } else {
                INITIALISING.set(previous);
            }
        }
    }

    /** The security of the node being initialised on this thread, or null. */
    static TransportSecurity initialising() {
        return INITIALISING.get();
    }

    void nodeClientSecured() {
        nodeClientSecured = true;
    }

    /** Whether jraft's own client for this node went through {@link EscrowRaftRpcFactory}. */
    public boolean isNodeClientSecured() {
        return nodeClientSecured;
    }
}
