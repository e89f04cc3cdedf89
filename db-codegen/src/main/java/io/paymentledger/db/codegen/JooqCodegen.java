package io.paymentledger.db.codegen;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.jooq.codegen.GenerationTool;
import org.jooq.meta.jaxb.Configuration;
import org.jooq.meta.jaxb.Database;
import org.jooq.meta.jaxb.ForcedType;
import org.jooq.meta.jaxb.Generate;
import org.jooq.meta.jaxb.Generator;
import org.jooq.meta.jaxb.Jdbc;
import org.jooq.meta.jaxb.Target;

/**
 * Build-time tool: starts a throwaway real PostgreSQL, applies the Flyway migrations and generates the jOOQ classes
 * from the resulting schema, so generated Java always matches what PostgreSQL made of the migrations (no emulation of
 * PostgreSQL DDL). Needs no Docker and no running database.
 *
 * <p>Arguments: {@code <migrations dir> <output dir> <package name>}.
 */
public final class JooqCodegen {
    private JooqCodegen() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: JooqCodegen <migrations dir> <output dir> <package name>");
        }
        Path migrations = Path.of(args[0]).toAbsolutePath();
        Path output = Path.of(args[1]).toAbsolutePath();
        if (!Files.isDirectory(migrations)) {
            throw new IllegalArgumentException("migrations directory not found: " + migrations);
        }
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            String url = postgres.getJdbcUrl("postgres", "postgres");
            Flyway.configure()
                    .dataSource(url, "postgres", "")
                    .locations("filesystem:" + migrations)
                    .load()
                    .migrate();
            GenerationTool.generate(configuration(url, output, args[2]));
        }
    }

    private static Configuration configuration(String url, Path output, String packageName) {
        return new Configuration()
                .withJdbc(new Jdbc().withDriver("org.postgresql.Driver").withUrl(url).withUser("postgres"))
                .withGenerator(new Generator()
                        .withDatabase(new Database()
                                .withName("org.jooq.meta.postgres.PostgresDatabase")
                                .withInputSchema("public")
                                .withOutputSchemaToDefault(true)
                                // outbox_event's partitions are reached through outbox_event (and the ring's SQL functions)
                                .withExcludes("flyway_schema_history|outbox_event_r[0-9]+|outbox_event_failures")
                                .withForcedTypes(new ForcedType()
                                        .withName("JSONB")
                                        .withIncludeTypes("(?i:JSONB)")))
                        .withGenerate(new Generate()
                                .withRecords(true)
                                .withPojos(false)
                                .withDaos(false)
                                .withJavaTimeTypes(true)
                                .withFluentSetters(true))
                        .withTarget(new Target()
                                .withPackageName(packageName)
                                .withDirectory(output.toString())
                                .withClean(true)));
    }
}
