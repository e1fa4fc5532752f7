package io.escrowstore.example.paid.payment;

import static org.assertj.core.api.Assertions.assertThat;

import io.escrowstore.Address;
import io.escrowstore.ChannelId;
import io.escrowstore.Signature;
import java.math.BigInteger;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

/**
 * The claim message against fixed vectors made by another implementation: ganache's
 * {@code web3_sha3} over the packed bytes for the hash, and ganache's {@code eth_sign} (which adds
 * the Ethereum signed-message prefix) for the signature, with the well-known key of ganache's
 * first deterministic account.
 */
class ClaimMessageTest {
    private static final ECKeyPair KEY = ECKeyPair.create(
            new BigInteger("4f3edf983ac636a65a842ce7c78d9aa706d3b113bce9c46f30d7d21715b23b1d", 16));
    private static final Address KEY_ACCOUNT = Address.fromHex("0x90f8bf6a479f320ead074411a4b0e7944ea8c9c1");
    private static final ClaimMessage MESSAGE = new ClaimMessage(
            Address.fromHex("0x5b1869d9a4c187f2eaa108f3062412ecf0526b24"), ChannelId.of(7), BigInteger.valueOf(2),
            BigInteger.valueOf(1230));
    private static final String HASH = "8d971ad0a4b0206abf590cdfb14726ff0264f8c71b359de9a67decb5e4405b60";
    private static final Signature SIGNATURE = Signature.fromHex("118d3b938757da34bb6d0e9ca43f3f860603d777eba8038663b4"
            + "db06f0f5d82010e8182411ea9df8b64ce1e73785a7ac59518e759615cd889fdae1ef7025173a1c");

    @Test
    void hashIsKeccakOfThePackedMessage() {
        assertThat(HexFormat.of().formatHex(MESSAGE.hash())).isEqualTo(HASH);
    }

    @Test
    void signingWithTheKnownKeyGivesTheKnownSignature() {
        assertThat(MESSAGE.sign(KEY)).isEqualTo(SIGNATURE);
    }

    @Test
    void theKnownSignatureRecoversTheKeysAccount() {
        assertThat(ClaimMessage.addressOf(KEY)).isEqualTo(KEY_ACCOUNT);
        assertThat(MESSAGE.recoverSigner(SIGNATURE)).contains(KEY_ACCOUNT);
    }

    @Test
    void theSignatureOfAnotherAmountRecoversAnotherAccount() {
        ClaimMessage more = new ClaimMessage(MESSAGE.mpe(), MESSAGE.channelId(), MESSAGE.nonce(),
                MESSAGE.amount().add(BigInteger.ONE));
        assertThat(more.recoverSigner(SIGNATURE)).isPresent().get().isNotEqualTo(KEY_ACCOUNT);
    }

    @Test
    void theSignatureOfAnotherEscrowContractRecoversAnotherAccount() {
        ClaimMessage elsewhere = new ClaimMessage(KEY_ACCOUNT, MESSAGE.channelId(), MESSAGE.nonce(), MESSAGE.amount());
        assertThat(elsewhere.recoverSigner(SIGNATURE)).isPresent().get().isNotEqualTo(KEY_ACCOUNT);
    }

    @Test
    void aSignatureWithAnInvalidRecoveryByteRecoversNoOne() {
        byte[] bytes = SIGNATURE.bytes();
        bytes[64] = 5;
        assertThat(MESSAGE.recoverSigner(new Signature(bytes))).isEmpty();
    }

    @Test
    void aSignatureByAnotherKeyRecoversThatKeysAccount() throws Exception {
        ECKeyPair other = Keys.createEcKeyPair();
        assertThat(MESSAGE.recoverSigner(MESSAGE.sign(other))).contains(ClaimMessage.addressOf(other));
    }
}
