package dev.serverlesskit.local.iam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlesskit.local.iam.LeastPrivilege.Finding;
import dev.serverlesskit.local.iam.LeastPrivilege.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LeastPrivilegeAnalysisTest {
    static final String PETS = PolicyEvaluatorTest.PETS;

    @Test
    void aGrantIsNeededRedundantOrUnusedByWhatTheCallsNeed() {
        // GetItem twice (statements 0 and 1), PutItem once, DeleteItem never called, Query through a wildcard
        Policies policies = new Policies(PolicyEvaluatorTest.statements("["
                + "{'Effect':'Allow','Action':['dynamodb:GetItem','dynamodb:PutItem'],'Resource':'" + PETS + "'},"
                + "{'Effect':'Allow','Action':['dynamodb:GetItem','dynamodb:DeleteItem'],'Resource':'" + PETS + "'},"
                + "{'Effect':'Allow','Action':'dynamodb:Q*','Resource':'" + PETS + "/index/*'}]", "Policy", false),
                null, List.of());
        IamModel.Role role = new IamModel.Role("Role", "role", "arn:aws:iam::000000000000:role/role", "AROA1",
                policies);
        Sessions sessions = new Sessions("000000000000", "eu-west-1");
        Sessions.Session s = sessions.issue("Fn", "fn", role);
        AccessLog log = new AccessLog();
        for (String[] call : new String[][] {{"dynamodb:GetItem", PETS}, {"dynamodb:PutItem", PETS},
                {"dynamodb:Query", PETS + "/index/byBuyer"}}) {
            Decision d = PolicyEvaluator.evaluate(policies, List.of(), s.caller(), call[0], call[1]);
            log.record(s, call[0], call[1], d, "test", null);
        }
        IamModel iam = IamModel.of(Map.of("Role", role), Map.of());
        List<Finding> findings = LeastPrivilege.analyse(List.of(new LeastPrivilege.Run("dev", iam, Map.of("Fn", s),
                log.calls())));
        Map<String, Verdict> verdicts = findings.stream().collect(Collectors.toMap(
                f -> f.grant().statement() + " " + f.grant().action(), Finding::verdict));
        assertThat(verdicts).containsExactlyInAnyOrderEntriesOf(Map.of(
                "Policy#0 dynamodb:GetItem", Verdict.REDUNDANT,
                "Policy#1 dynamodb:GetItem", Verdict.REDUNDANT,
                "Policy#0 dynamodb:PutItem", Verdict.NEEDED,
                "Policy#1 dynamodb:DeleteItem", Verdict.UNUSED,
                "Policy#2 dynamodb:Q*", Verdict.NEEDED));
        assertThat(findings).filteredOn(f -> f.grant().action().equals("dynamodb:PutItem")).singleElement()
                .satisfies(f -> assertThat(f.neededBy().action()).isEqualTo("dynamodb:PutItem"));
    }

    @Test
    void aGrantIsJudgedPerResourceSoAnIndexGrantNoCallUsesIsUnused() {
        // what CDK's Table.grant writes for a table with indexes: the item action on the table and on index/*
        Policies policies = new Policies(PolicyEvaluatorTest.statements("["
                + "{'Effect':'Allow','Action':['dynamodb:GetItem','dynamodb:Query'],'Resource':['" + PETS + "','"
                + PETS + "/index/*']}]", "Policy", false), null, List.of());
        IamModel.Role role = new IamModel.Role("Role", "role", "arn:aws:iam::000000000000:role/role", "AROA1",
                policies);
        Sessions.Session s = new Sessions("000000000000", "eu-west-1").issue("Fn", "fn", role);
        AccessLog log = new AccessLog();
        for (String[] call : new String[][] {{"dynamodb:GetItem", PETS}, {"dynamodb:Query", PETS + "/index/byBuyer"}}) {
            log.record(s, call[0], call[1], PolicyEvaluator.evaluate(policies, List.of(), s.caller(), call[0], call[1]),
                    "test", null);
        }
        List<Finding> findings = LeastPrivilege.analyse(List.of(new LeastPrivilege.Run("dev",
                IamModel.of(Map.of("Role", role), Map.of()), Map.of("Fn", s), log.calls())));

        assertThat(findings.stream().collect(Collectors.toMap(
                f -> f.grant().action() + " " + f.grant().resource().replace(PETS, "Pets"), Finding::verdict)))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "dynamodb:GetItem Pets", Verdict.NEEDED,
                        "dynamodb:GetItem Pets/index/*", Verdict.UNUSED,
                        "dynamodb:Query Pets", Verdict.UNUSED,
                        "dynamodb:Query Pets/index/*", Verdict.NEEDED));
    }

    @Test
    void oneGrantOfTheTemplateInTwoStagesIsNeededWhenOneStageNeedsItOnItsOwnArn() {
        // dev has no SnapStart, so only staging's priming reads the table: the grant is still needed
        List<LeastPrivilege.Run> runs = new ArrayList<>();
        for (String stage : List.of("dev", "staging")) {
            String table = "arn:aws:dynamodb:eu-west-1:000000000000:table/" + stage + "-Pets";
            Policies policies = new Policies(PolicyEvaluatorTest.statements("[{'Effect':'Allow',"
                    + "'Action':'dynamodb:GetItem','Resource':'" + table + "'}]", "Policy", false), null, List.of());
            IamModel.Role role = new IamModel.Role("Role", "role", "arn:aws:iam::000000000000:role/role", "AROA1",
                    policies);
            Sessions.Session s = new Sessions("000000000000", "eu-west-1").issue("Fn", "fn", role);
            AccessLog log = new AccessLog();
            if (stage.equals("staging")) {
                log.record(s, "dynamodb:GetItem", table, PolicyEvaluator.evaluate(policies, List.of(), s.caller(),
                        "dynamodb:GetItem", table), "test", null);
            }
            runs.add(new LeastPrivilege.Run(stage, IamModel.of(Map.of("Role", role), Map.of()), Map.of("Fn", s),
                    log.calls()));
        }

        assertThat(LeastPrivilege.analyse(runs)).singleElement().satisfies(f -> {
            assertThat(f.verdict()).isEqualTo(Verdict.NEEDED);
            assertThat(f.stage()).isEqualTo("staging");
        });
    }
}
