package io.escrowstore.example.paid.payment;

import io.escrowstore.Address;
import io.escrowstore.ChannelId;
import io.escrowstore.Signature;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.Optional;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/**
 * The message a client signs to authorize a cumulative amount on a MultiPartyEscrow channel, as the
 * contract's {@code channelClaim} checks it: {@code keccak256("__MPE_claim_message" ‖ mpe ‖
 * uint256 channelId ‖ uint256 nonce ‖ uint256 amount)}, then signed with the Ethereum signed-message
 * prefix ({@code "\x19Ethereum Signed Message:\n32"}, keccak256 again).
 *
 * @param mpe the MultiPartyEscrow contract's address
 * @param channelId the channel
 * @param nonce the channel nonce the amount is authorized for
 * @param amount the cumulative amount authorized
 */
public record ClaimMessage(Address mpe, ChannelId channelId, BigInteger nonce, BigInteger amount) {
    private static final byte[] PREFIX = "__MPE_claim_message".getBytes(StandardCharsets.US_ASCII);

    /** The 32-byte hash the signature covers before the signed-message prefix. */
    public byte[] hash() {
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        packed.writeBytes(PREFIX);
        packed.writeBytes(mpe.bytes());
        packed.writeBytes(Numeric.toBytesPadded(channelId.value(), 32));
        packed.writeBytes(Numeric.toBytesPadded(nonce, 32));
        packed.writeBytes(Numeric.toBytesPadded(amount, 32));
        return Hash.sha3(packed.toByteArray());
    }

    /** Signs this message with {@code key}: 65 bytes {@code r ‖ s ‖ v}, v being 27 or 28 (deterministic, RFC 6979). */
    public Signature sign(ECKeyPair key) {
        Sign.SignatureData data = Sign.signPrefixedMessage(hash(), key);
        byte[] out = new byte[Signature.LENGTH];
        System.arraycopy(data.getR(), 0, out, 0, 32);
        System.arraycopy(data.getS(), 0, out, 32, 32);
        out[64] = data.getV()[0];
        return new Signature(out);
    }

    /**
     * The account whose key made {@code signature} over this message, as the contract's
     * {@code ecrecover} would find it; empty if no account can have made it (a malformed signature).
     */
    public Optional<Address> recoverSigner(Signature signature) {
        byte[] bytes = signature.bytes();
        byte v = bytes[64];
        if (v != 27 && v != 28) {
            return Optional.empty();
        }
        Sign.SignatureData data = new Sign.SignatureData(v, Arrays.copyOfRange(bytes, 0, 32),
                Arrays.copyOfRange(bytes, 32, 64));
        try {
            BigInteger publicKey = Sign.signedPrefixedMessageToKey(hash(), data);
            return Optional.of(Address.fromHex(Keys.getAddress(publicKey)));
        } catch (SignatureException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The account of a key pair, as the contract sees it. */
    public static Address addressOf(ECKeyPair key) {
        return Address.fromHex(Keys.getAddress(key));
    }
}
