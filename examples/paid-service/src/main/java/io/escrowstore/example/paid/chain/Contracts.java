package io.escrowstore.example.paid.chain;

import io.escrowstore.Address;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.crypto.ECKeyPair;

/**
 * Deploys the published contracts from their npm packages: the token ({@code SingularityNetToken}
 * from {@code singularitynet-token-contracts}, constructor {@code (name, symbol)}) and then
 * {@code MultiPartyEscrow} from {@code singularitynet-platform-contracts}, constructor {@code (token)}.
 */
public final class Contracts {
    private Contracts() {
    }

    /** The two deployed contracts. */
    public record Deployed(Token token, MultiPartyEscrow mpe) {
    }

    /**
     * Deploys the token and the escrow, both from {@code deployer} (who may then mint tokens).
     *
     * @param chainDir the example's chain folder, {@code node_modules} installed
     */
    public static Deployed deploy(Ethereum chain, Path chainDir, ECKeyPair deployer) {
        Path modules = chainDir.resolve("node_modules");
        String token = chain.deploy(deployer, bytecode(modules.resolve(
                "singularitynet-token-contracts/bytecode/SingularityNetToken.json")),
                FunctionEncoder.encodeConstructor(List.of(new Utf8String("SingularityNET Token"), new Utf8String("AGIX"))));
        String mpe = chain.deploy(deployer, bytecode(modules.resolve(
                "singularitynet-platform-contracts/bytecode/MultiPartyEscrow.json")),
                FunctionEncoder.encodeConstructor(List.of(new org.web3j.abi.datatypes.Address(token))));
        return new Deployed(new Token(chain, Address.fromHex(token)), new MultiPartyEscrow(chain, Address.fromHex(mpe)));
    }

    /** The package's bytecode file holds one JSON string: the hex of the creation code. */
    private static String bytecode(Path file) {
        try {
            String text = Files.readString(file).trim();
            if (text.length() < 4 || text.charAt(0) != '"' || text.charAt(text.length() - 1) != '"') {
                throw new IllegalStateException(file + " is not a JSON string of bytecode");
            }
            return text.substring(1, text.length() - 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
