package dev.serverlesskit.infra;

/**
 * The handler classes of {@code lambdas/}, by name: infra never loads the handlers' code (it ships to Lambda), it
 * uses these names and the jars. {@code HandlerNamesTest} checks each name exists in the jar {@link #jarOf(String)}
 * gives it.
 */
public final class Handlers {
    private static final String PETSTORE = "dev.serverlesskit.app.petstore.";
    private static final String ADCLICKS = "dev.serverlesskit.app.adclicks.";

    public static final String LIST_PETS = PETSTORE + "ListPetsHandler";
    public static final String GET_PET = PETSTORE + "GetPetHandler";
    public static final String ADD_PET = PETSTORE + "AddPetHandler";
    public static final String PURCHASE_PET = PETSTORE + "PurchasePetHandler";
    public static final String LIST_PURCHASES = PETSTORE + "ListPurchasesHandler";
    public static final String RECORD_CLICK = ADCLICKS + "RecordClickHandler";
    public static final String PROCESS_CLICKS = ADCLICKS + "ClickProcessorHandler";
    public static final String CAMPAIGN_STATS = ADCLICKS + "CampaignStatsHandler";
    public static final String PRE_TRAFFIC_HOOK = "dev.serverlesskit.app.delivery.PreTrafficHookHandler";
    public static final String SYNTHETIC_CHECK = "dev.serverlesskit.app.delivery.SyntheticCheckHandler";

    private Handlers() {
    }

    /**
     * The jar a handler ships in: RecordClick needs only SQS, the deployment checks (pre-traffic hook: Lambda and
     * CodeDeploy; synthetic check: the JDK's HTTP client) their own; every other handler only DynamoDB.
     */
    public static FunctionJars.Group jarOf(String handlerClass) {
        if (PRE_TRAFFIC_HOOK.equals(handlerClass) || SYNTHETIC_CHECK.equals(handlerClass)) {
            return FunctionJars.Group.DELIVERY;
        }
        return RECORD_CLICK.equals(handlerClass) ? FunctionJars.Group.SQS : FunctionJars.Group.DYNAMODB;
    }
}
