package io.paymentledger.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.paymentledger.config.DatabaseConfig;
import org.junit.jupiter.api.Test;

class DatabaseTest {
    @Test
    void thePoolSetsReadCommittedInsteadOfDetectingItFromItsFirstConnection() {
        DatabaseConfig config = new DatabaseConfig("jdbc:postgresql://127.0.0.1:1/unreachable", "ledger", "secret");
        try (HikariDataSource pool = Database.pool(config, "isolation-test", 1)) {
            assertThat(pool.getTransactionIsolation()).isEqualTo("TRANSACTION_READ_COMMITTED");
        }
    }
}
