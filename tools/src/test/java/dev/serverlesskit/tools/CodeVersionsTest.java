package dev.serverlesskit.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlesskit.tools.cfn.Stacks;
import dev.serverlesskit.tools.review.Acknowledgments;
import dev.serverlesskit.tools.review.CodeVersions;
import dev.serverlesskit.tools.review.Review;
import dev.serverlesskit.tools.review.ReviewReport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A handler-only edit: no infrastructure change, only new code, so new versions of the functions whose jar changed.
 * The dev snapshot is turned back into a cloud assembly (asset hashes, version ids, asset manifest, jars with the
 * handlers' classes) to review it as a synthesis would be reviewed.
 */
class CodeVersionsTest {
    private static final String JAR_DYNAMODB = "a".repeat(63) + "1";
    private static final String JAR_SQS = "b".repeat(63) + "2";
    private static final List<String> DYNAMODB_CLASSES = List.of("dev/serverlesskit/app/petstore/ListPetsHandler.class",
            "dev/serverlesskit/app/petstore/GetPetHandler.class", "dev/serverlesskit/app/adclicks/Click.class",
            "dev/serverlesskit/app/adclicks/ClickProcessorHandler.class", "dev/serverlesskit/app/common/Json.class",
            "log4j2.component.properties");
    private static final List<String> SQS_CLASSES = List.of("dev/serverlesskit/app/adclicks/Click.class",
            "dev/serverlesskit/app/adclicks/RecordClickHandler.class", "dev/serverlesskit/app/common/Json.class");
    /** The deployment checks' jar (pre-traffic hook, synthetic check): its hash never changes in these tests. */
    private static final String JAR_DELIVERY = "c".repeat(63) + "3";
    private static final List<String> DELIVERY_CLASSES = List.of(
            "dev/serverlesskit/app/delivery/PreTrafficHookHandler.class", "dev/serverlesskit/app/common/Json.class");
    private static final String DYNAMODB_FUNCTIONS = "AddPet, CampaignStats, GetPet, ListPets, ListPurchases,"
            + " Processor, PurchasePet";

    @TempDir
    Path dir;

    /** The dev snapshot as a synthesized assembly whose jars have these hashes. */
    private Path assembly(String name, String dynamodbJar, String sqsJar) throws IOException {
        String template = Files.readString(Fixtures.snapshots().resolve("dev-ServerlessKit.template.json"))
                .replace("<asset-1>", JAR_DELIVERY).replace("<asset-2>", dynamodbJar).replace("<asset-3>", sqsJar);
        // Version logical ids carry a hash of the function's code and configuration.
        Matcher m = Pattern.compile("([A-Za-z0-9]+)CurrentVersion<asset-hash>").matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String hash = String.format("%08X", (m.group(1) + dynamodbJar + sqsJar).hashCode())
                    + String.format("%032x", (long) (m.group(1) + sqsJar).hashCode() & 0xffffffffL);
            m.appendReplacement(sb, m.group(1) + "CurrentVersion" + hash.substring(0, 40));
        }
        m.appendTail(sb);
        Path root = dir.resolve(name);
        Fixtures.write(root.resolve("manifest.json"), "{\"version\":\"54.0.0\",\"artifacts\":{\"assembly-dev\":"
                + "{\"type\":\"cdk:cloud-assembly\",\"properties\":{\"directoryName\":\"assembly-dev\","
                + "\"displayName\":\"dev\"}}}}");
        Fixtures.write(root.resolve("assembly-dev/manifest.json"), "{\"version\":\"54.0.0\",\"artifacts\":{"
                + "\"dev.assets\":{\"type\":\"cdk:asset-manifest\",\"properties\":{\"file\":\"dev.assets.json\"}},"
                + "\"devStack\":{\"type\":\"aws:cloudformation:stack\","
                + "\"environment\":\"aws://111111111111/eu-west-1\","
                + "\"properties\":{\"templateFile\":\"dev.template.json\",\"stackName\":\"dev-serverless-kit\"},"
                + "\"dependencies\":[\"dev.assets\"],\"displayName\":\"dev/ServerlessKit\"}}}");
        Fixtures.write(root.resolve("assembly-dev/dev.assets.json"), "{\"version\":\"54.0.0\",\"files\":{"
                + asset(JAR_DELIVERY) + "," + asset(dynamodbJar) + "," + asset(sqsJar) + "}}");
        Fixtures.write(root.resolve("assembly-dev/dev.template.json"), sb.toString());
        jar(root.resolve("asset." + dynamodbJar + ".jar"), DYNAMODB_CLASSES);
        jar(root.resolve("asset." + sqsJar + ".jar"), SQS_CLASSES);
        jar(root.resolve("asset." + JAR_DELIVERY + ".jar"), DELIVERY_CLASSES);
        return root;
    }

    private static String asset(String hash) {
        return "\"" + hash + "\":{\"source\":{\"path\":\"../asset." + hash + ".jar\",\"packaging\":\"file\"},"
                + "\"destinations\":{}}";
    }

    private static void jar(Path file, List<String> entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (String e : entries) {
                zip.putNextEntry(new ZipEntry(e));
                zip.write(e.getBytes());
                zip.closeEntry();
            }
        }
    }

    /** The review's report, as Markdown, of {@code head} against {@code base}, given the changed files (or null). */
    private static String review(Path base, Path head, List<String> changedFiles) {
        Stacks b = Stacks.load(base).onlyStage("dev");
        Stacks h = Stacks.load(head).onlyStage("dev");
        List<Review.StageResult> results = new Review(null, null, new CodeVersions(changedFiles == null ? null
                : CodeVersions.ChangedFile.parse(changedFiles))).review(b, h);
        return ReviewReport.render(results, Acknowledgments.none(), "Infrastructure review").doc().markdown(0);
    }

    /** The report of the dev snapshot against an assembly with the usual jars, after these files changed. */
    private String reviewOfSnapshot(String... changedFiles) throws IOException {
        return review(Fixtures.snapshots(), assembly("head", JAR_DYNAMODB, JAR_SQS), List.of(changedFiles));
    }

    @Test
    void twoAssembliesNameTheFunctionsWhoseAssetHashChangedExactly() throws IOException {
        Path base = assembly("base", JAR_DYNAMODB, JAR_SQS);
        Path head = assembly("head", "c".repeat(63) + "3", JAR_SQS);

        String report = review(base, head, null);

        assertThat(report).contains("| dev | 0 | 0 | 0 | 0 | none | none | not priced | — | 7 |");
        assertThat(report).contains("- New code, so new versions of " + DYNAMODB_FUNCTIONS
                + " (their code asset changed)");
        assertThat(report).doesNotContain("### Changes", "RecordClick");
    }

    @Test
    void againstASnapshotAHandlerEditChangesOnlyTheJarThatHoldsItsClass() throws IOException {
        String report = reviewOfSnapshot(
                "M\tlambdas/src/main/java/dev/serverlesskit/app/adclicks/RecordClickHandler.java",
                "M\tlambdas/src/test/java/dev/serverlesskit/app/adclicks/RecordClickHandlerTest.java");

        assertThat(report).contains("- New code, so new versions of RecordClick\n  because asset." + JAR_SQS
                + ".jar contains changed lambdas/src/main/java/dev/serverlesskit/app/adclicks/RecordClickHandler.java");
        assertThat(report).doesNotContain("### Changes", "ListPets");
    }

    @Test
    void aClassInEveryJarChangesEveryFunction() throws IOException {
        String report = reviewOfSnapshot("M\tlambdas/src/main/java/dev/serverlesskit/app/common/Json.java");

        // Json is in every jar: the app's functions and the deployment checks (PreTrafficHook, SyntheticCheck)
        assertThat(report).contains("- New code, so new versions of " + DYNAMODB_FUNCTIONS
                .replace("ListPurchases,", "ListPurchases, PreTrafficHook,")
                .replace("PurchasePet", "PurchasePet, RecordClick, SyntheticCheck"));
    }

    @Test
    void aDeletedClassCountsForTheJarsOfItsPackageAndAResourceForTheJarHoldingIt() throws IOException {
        String deleted = reviewOfSnapshot("D\tlambdas/src/main/java/dev/serverlesskit/app/petstore/Pets.java");
        assertThat(deleted).contains("- New code, so new versions of " + DYNAMODB_FUNCTIONS + "\n");

        String resource = reviewOfSnapshot("M\tlambdas/src/main/resources/log4j2.component.properties");
        assertThat(resource).contains("- New code, so new versions of " + DYNAMODB_FUNCTIONS + "\n");

        String added = reviewOfSnapshot("A\tlambdas/src/main/java/dev/serverlesskit/app/petstore/NotInAnyJar.java");
        assertThat(added).contains("No infrastructure changes and no new code");
    }

    @Test
    void aBuildFileMayChangeEveryJarAndNoChangedFilesMeansNoNewCode() throws IOException {
        String pom = reviewOfSnapshot("M\tpom.xml");
        assertThat(pom).contains("RecordClick", "ListPets", "contains changed pom.xml");

        String docs = reviewOfSnapshot("M\tREADME.md");
        assertThat(docs).contains("No infrastructure changes and no new code in any stage.");
    }

    @Test
    void aFunctionMovedIntoAnotherJarIsTheOnlyOneWithNewCode() throws IOException {
        // RecordClick now deploys the jar the other functions use; no source of the jars changed.
        Path head = assembly("head", JAR_DYNAMODB, JAR_DYNAMODB);

        String report = review(Fixtures.snapshots(), head, List.of(
                "M\tinfra/src/main/java/dev/serverlesskit/infra/AdClicks.java"));

        assertThat(report).contains("- New code, so new versions of RecordClick\n  because a function moved to another"
                + " jar");
    }

    @Test
    void withoutTheChangedFilesASnapshotCannotTellAndTheReportSaysSo() throws IOException {
        Path head = assembly("head", JAR_DYNAMODB, JAR_SQS);

        String report = review(Fixtures.snapshots(), head, null);

        assertThat(report).contains("Code changes unknown: the base is a snapshot (no code hashes) and the changed"
                + " files are not known");
    }

    @Test
    void renamesAreADeletionAndAnAddition() {
        assertThat(CodeVersions.ChangedFile.parse(List.of("R087\ta/Old.java\ta/New.java", "M\tb.java", "c.java")))
                .containsExactly(new CodeVersions.ChangedFile('D', "a/Old.java"),
                        new CodeVersions.ChangedFile('A', "a/New.java"), new CodeVersions.ChangedFile('M', "b.java"),
                        new CodeVersions.ChangedFile('M', "c.java"));
        assertThat(Map.of()).isEmpty();
    }
}
